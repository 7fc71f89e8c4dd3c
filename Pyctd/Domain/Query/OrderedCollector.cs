using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;

namespace Pyctd.Domain.Query;

/// <summary>
/// Collects a dump for a sorted listing. With a limit it keeps only the best <c>offset + limit</c>
/// entries while the dump runs: a heap of keys over a table of that many slots plus one, where each
/// new entry is parsed into the spare slot and, if it beats the worst kept, takes that one's place
/// (whose slot becomes the spare). Without a limit it keeps every entry and sorts keys at the end.
/// Either way records are copied once, when they arrive, and never moved while sorting.
/// </summary>
internal sealed class OrderedCollector : IRecordSink, IDisposable
{
    private readonly RecordTable _table;
    private readonly RecordTableSource _source;
    private readonly ConnectionOrder _order;
    private readonly TopKeys? _top;
    private int _spare;

    public OrderedCollector(ConnectionOrder order, int? keep)
    {
        _order = order;
        _table = new RecordTable(keep is int k ? Math.Min(k + 1, 1024) : 1024);
        _source = new RecordTableSource(_table);
        if (keep is int capacity)
        {
            _top = new TopKeys(capacity, new SortKeyComparer(order, _source));
            _table.NextSlot();
            _table.Commit(); // slot 0 is the first spare
        }
    }

    /// <summary>The collected records; <see cref="Finish"/> says in which order to read them.</summary>
    public RecordTable Table => _table;

    public bool Accept(in ConntrackRecord record)
    {
        if (_top is null)
        {
            _table.Add(record);
            return true;
        }

        if (_top.IsFull && _top.Count == 0)
        {
            return true; // --limit 0: nothing is kept
        }

        _table[_spare] = record;
        var key = SortKey.Of(_order.Field, record, Rates.None, _spare);
        if (!_top.IsFull)
        {
            _top.Add(key);
            _spare = _table.Count;
            _table.NextSlot();
            _table.Commit();
        }
        else if (_top.Beats(key))
        {
            int freed = _top.Worst.Index;
            _top.ReplaceWorst(key);
            _spare = freed;
        }

        return true;
    }

    /// <summary>The table indexes of the entries from <paramref name="offset"/> on, in order.</summary>
    public QueryPage Finish(int offset)
    {
        if (_top is null)
        {
            return QueryEngine.Select(_source, CompiledFilter.All, _order, offset, limit: 0, fullSort: true);
        }

        Span<SortKey> kept = _top.Sorted();
        return QueryEngine.Page(kept, offset, kept.Length, kept.Length);
    }

    public void Dispose()
    {
        _top?.Dispose();
        _table.Dispose();
    }
}
