using System.Buffers;

namespace Pyctd.Domain.Query;

/// <summary>
/// The best <c>capacity</c> keys seen so far, in a binary heap whose root is the worst of them: a
/// better key replaces the root in O(log k). "Top 50 by rate" over 200,000 entries keeps 50 keys,
/// never the matches. The array is pooled.
/// </summary>
internal sealed class TopKeys : IDisposable
{
    private readonly SortKey[] _heap;
    private readonly int _capacity;
    private readonly SortKeyComparer _comparer;

    public TopKeys(int capacity, SortKeyComparer comparer)
    {
        _capacity = capacity;
        _comparer = comparer;
        _heap = ArrayPool<SortKey>.Shared.Rent(Math.Max(capacity, 1));
    }

    public int Count { get; private set; }

    public bool IsFull => Count == _capacity;

    /// <summary>The key that leaves first when a better one comes; only while <see cref="Count"/> &gt; 0.</summary>
    public SortKey Worst => _heap[0];

    public bool Beats(in SortKey candidate) => _comparer.Compare(candidate, _heap[0]) < 0;

    public void Add(in SortKey key)
    {
        int child = Count++;
        _heap[child] = key;
        while (child > 0)
        {
            int parent = (child - 1) >> 1;
            if (!Worse(_heap[child], _heap[parent]))
            {
                break;
            }

            (_heap[child], _heap[parent]) = (_heap[parent], _heap[child]);
            child = parent;
        }
    }

    /// <summary>Offers a key: kept if there is room or it beats the worst. Returns whether it was kept.</summary>
    public bool Offer(in SortKey key)
    {
        if (_capacity == 0)
        {
            return false;
        }

        if (!IsFull)
        {
            Add(key);
            return true;
        }

        if (!Beats(key))
        {
            return false;
        }

        ReplaceWorst(key);
        return true;
    }

    public void ReplaceWorst(in SortKey key)
    {
        _heap[0] = key;
        int parent = 0;
        while (true)
        {
            int left = (2 * parent) + 1;
            if (left >= Count)
            {
                break;
            }

            int worse = left + 1 < Count && Worse(_heap[left + 1], _heap[left]) ? left + 1 : left;
            if (!Worse(_heap[worse], _heap[parent]))
            {
                break;
            }

            (_heap[worse], _heap[parent]) = (_heap[parent], _heap[worse]);
            parent = worse;
        }
    }

    /// <summary>The kept keys, best first. The heap is spent afterwards.</summary>
    public Span<SortKey> Sorted()
    {
        Span<SortKey> kept = _heap.AsSpan(0, Count);
        kept.Sort(_comparer);
        return kept;
    }

    public void Dispose() => ArrayPool<SortKey>.Shared.Return(_heap);

    private bool Worse(in SortKey a, in SortKey b) => _comparer.Compare(a, b) > 0;
}
