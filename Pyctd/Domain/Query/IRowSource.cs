using Pyctd.Conntrack;

namespace Pyctd.Domain.Query;

/// <summary>A table the query engine can run over by index: serve's snapshots, or records a listing collected.</summary>
internal interface IRowSource
{
    int Count { get; }

    /// <summary>False for an entry that is gone (killed since the table was read): the engine skips it.</summary>
    bool TryRead(int index, out ConntrackRecord record, out Rates rates);
}

/// <summary>Records collected from a dump, which have no rates.</summary>
internal sealed class RecordTableSource(RecordTable table) : IRowSource
{
    public int Count => table.Count;

    public bool TryRead(int index, out ConntrackRecord record, out Rates rates)
    {
        record = table[index];
        rates = Rates.None;
        return true;
    }
}
