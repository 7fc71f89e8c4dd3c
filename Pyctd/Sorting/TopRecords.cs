using Pyctd.Conntrack;

namespace Pyctd.Sorting;

/// <summary>
/// Collects the entries of a sorted listing. With a limit it keeps only the best
/// <c>offset + limit</c> records (sorting and trimming whenever twice that many have gathered), so
/// "top 20 by bytes" of a 200,000-entry table never holds the table.
/// </summary>
internal sealed class TopRecords(RecordTable table, RecordComparer comparer, int? keep) : IRecordSink
{
    public bool Accept(in ConntrackRecord record)
    {
        table.Add(record);
        if (keep is int k && table.Count >= Math.Max(2 * k, 1024))
        {
            table.Records.Sort(comparer);
            table.Truncate(k);
        }

        return true;
    }

    /// <summary>Sorts what was kept; the records stay in the table.</summary>
    public Span<ConntrackRecord> Finish()
    {
        table.Records.Sort(comparer);
        if (keep is int k)
        {
            table.Truncate(k);
        }

        return table.Records;
    }
}
