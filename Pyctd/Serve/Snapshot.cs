using Pyctd.Conntrack;

namespace Pyctd.Serve;

/// <summary>Bytes per second of one connection, measured between two snapshots.</summary>
internal readonly record struct Rates(long Original, long Reply)
{
    public long Total => Original + Reply;
}

/// <summary>
/// One read of the table, shared by every session that asks for one at most N seconds old.
/// Immutable once taken. Records live in a managed array so the GC, not a reference count,
/// decides when the last session is done with it.
/// </summary>
internal sealed class Snapshot
{
    private readonly ConntrackRecord[] _records;
    private readonly Rates[] _rates;

    // The ids in ascending order and, at the same position, the index of their entry: for
    // lookups by id (kill, change) and for matching entries to the previous snapshot's.
    private readonly uint[] _sortedIds;
    private readonly int[] _indexBySortedId;

    public Snapshot(ConntrackRecord[] records, int count, DateTime takenAt, long takenTimestamp, Snapshot? previous)
    {
        _records = records;
        Count = count;
        TakenAt = takenAt;
        TakenTimestamp = takenTimestamp;
        _rates = new Rates[count];
        _sortedIds = new uint[count];
        _indexBySortedId = new int[count];
        for (int i = 0; i < count; i++)
        {
            _sortedIds[i] = records[i].Id;
            _indexBySortedId[i] = i;
            Accounting |= records[i].Has(RecordFields.OrigCounters);
        }

        Array.Sort(_sortedIds, _indexBySortedId);
        if (previous is not null && Accounting)
        {
            ComputeRates(previous);
        }
    }

    public int Count { get; }

    public DateTime TakenAt { get; }

    /// <summary>Stopwatch timestamp of the dump, for ages and rates.</summary>
    public long TakenTimestamp { get; }

    /// <summary>Whether the kernel counts bytes (nf_conntrack_acct=1): rates and counters exist only then.</summary>
    public bool Accounting { get; }

    public ReadOnlySpan<ConntrackRecord> Records => _records.AsSpan(0, Count);

    public ref readonly ConntrackRecord this[int index] => ref _records[index];

    public Rates RatesOf(int index) => _rates[index];

    public double AgeSeconds => System.Diagnostics.Stopwatch.GetElapsedTime(TakenTimestamp).TotalSeconds;

    /// <summary>The index of the entry with this id, or -1.</summary>
    public int IndexOf(uint id)
    {
        int position = Array.BinarySearch(_sortedIds, id);
        return position >= 0 ? _indexBySortedId[position] : -1;
    }

    /// <summary>Walks both snapshots in id order at once: linear, whatever the table size.</summary>
    private void ComputeRates(Snapshot previous)
    {
        double seconds = (double)(TakenTimestamp - previous.TakenTimestamp) / System.Diagnostics.Stopwatch.Frequency;
        if (seconds <= 0)
        {
            return;
        }

        int p = 0;
        for (int n = 0; n < _sortedIds.Length; n++)
        {
            uint id = _sortedIds[n];
            while (p < previous._sortedIds.Length && previous._sortedIds[p] < id)
            {
                p++;
            }

            if (p == previous._sortedIds.Length || previous._sortedIds[p] != id)
            {
                continue;
            }

            int i = _indexBySortedId[n];
            ref readonly ConntrackRecord now = ref _records[i];
            ref readonly ConntrackRecord then = ref previous[previous._indexBySortedId[p]];
            // The same id with a different tuple is a new entry that reused the id: no rate yet.
            if (then.Protocol != now.Protocol || then.Original.SourcePort != now.Original.SourcePort
                || !((ReadOnlySpan<byte>)then.Original.Source).SequenceEqual(now.Original.Source))
            {
                continue;
            }

            _rates[i] = new Rates(
                PerSecond(then.OriginalCounters.Bytes, now.OriginalCounters.Bytes, seconds),
                PerSecond(then.ReplyCounters.Bytes, now.ReplyCounters.Bytes, seconds));
        }
    }

    private static long PerSecond(ulong before, ulong after, double seconds) =>
        after >= before ? (long)Math.Round((after - before) / seconds) : 0;
}
