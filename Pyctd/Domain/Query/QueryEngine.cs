using System.Buffers;
using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;

namespace Pyctd.Domain.Query;

/// <summary>
/// filter → order → offset/limit over a table, for view() and sorted listings alike. A page near the
/// top (offset + limit small beside the table) is picked in one pass with a bounded heap of keys;
/// anything else sorts the matches' keys. Both paths give identical pages (a test holds them to it).
/// </summary>
internal static class QueryEngine
{
    /// <summary>Up to this many kept keys the heap wins over sorting every match.</summary>
    public const int HeapLimit = 4096;

    private const int CancellationStride = 4096;

    // A pool of its own that keeps few arrays: the shared pool keeps one per thread, and with many
    // concurrent views of a 200,000-entry table that is megabytes held for nothing.
    private static readonly ArrayPool<SortKey> s_keyArrays = ArrayPool<SortKey>.Create(maxArrayLength: 1 << 24, maxArraysPerBucket: 2);

    /// <summary>Whether a page is picked with the bounded heap: a handful of keys, no array the size of the table.</summary>
    public static bool KeepsFewKeys(int offset, int limit) => limit != 0 && (long)offset + limit <= HeapLimit;

    /// <param name="limit">0: every match from <paramref name="offset"/> on.</param>
    public static QueryPage Select(
        IRowSource source, CompiledFilter filter, ConnectionOrder order, int offset, int limit, CancellationToken cancellation = default) =>
        Select(source, filter, order, offset, limit, fullSort: false, cancellation);

    /// <param name="limit">0: every match from <paramref name="offset"/> on.</param>
    /// <param name="fullSort">Tests only: take the sorting path whatever the page.</param>
    public static QueryPage Select(
        IRowSource source, CompiledFilter filter, ConnectionOrder order, int offset, int limit,
        bool fullSort, CancellationToken cancellation = default)
    {
        long wanted = limit == 0 ? long.MaxValue : (long)offset + limit;
        var comparer = new SortKeyComparer(order, source);
        return !fullSort && KeepsFewKeys(offset, limit)
            ? SelectTop(source, filter, order, comparer, (int)wanted, offset, cancellation)
            : SelectSorted(source, filter, order, comparer, offset, limit, cancellation);
    }

    private static QueryPage SelectTop(
        IRowSource source, CompiledFilter filter, ConnectionOrder order, SortKeyComparer comparer, int wanted, int offset, CancellationToken cancellation)
    {
        using var top = new TopKeys(wanted, comparer);
        int total = 0;
        for (int i = 0; i < source.Count; i++)
        {
            if ((i % CancellationStride) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            if (source.TryRead(i, out ConntrackRecord record, out Rates rates) && filter.Matches(record, rates))
            {
                total++;
                top.Offer(SortKey.Of(order.Field, record, rates, i));
            }
        }

        return Page(top.Sorted(), offset, top.Count, total);
    }

    private static QueryPage SelectSorted(
        IRowSource source, CompiledFilter filter, ConnectionOrder order, SortKeyComparer comparer, int offset, int limit, CancellationToken cancellation)
    {
        SortKey[] keys = s_keyArrays.Rent(Math.Max(source.Count, 1));
        try
        {
            int total = 0;
            for (int i = 0; i < source.Count; i++)
            {
                if ((i % CancellationStride) == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                }

                if (source.TryRead(i, out ConntrackRecord record, out Rates rates) && filter.Matches(record, rates))
                {
                    keys[total++] = SortKey.Of(order.Field, record, rates, i);
                }
            }

            Span<SortKey> matches = keys.AsSpan(0, total);
            cancellation.ThrowIfCancellationRequested();
            matches.Sort(comparer);
            int end = limit == 0 ? total : (int)Math.Min((long)offset + limit, total);
            return Page(matches, offset, end, total);
        }
        finally
        {
            s_keyArrays.Return(keys);
        }
    }

    /// <summary>Keys [offset, end) of an ordered run as a page of indexes.</summary>
    internal static QueryPage Page(ReadOnlySpan<SortKey> ordered, int offset, int end, int total)
    {
        int start = Math.Min(offset, end);
        int count = end - start;
        int[] rows = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        for (int i = 0; i < count; i++)
        {
            rows[i] = ordered[start + i].Index;
        }

        return new QueryPage(rows, count, total, offset);
    }
}
