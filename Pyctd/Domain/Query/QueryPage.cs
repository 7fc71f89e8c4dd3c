using System.Buffers;

namespace Pyctd.Domain.Query;

/// <summary>The indexes of one page of matches, in order, and how many matched in all. The index array is pooled: dispose it.</summary>
internal sealed class QueryPage(int[] rented, int count, int total, int start) : IDisposable
{
    private int[]? _rented = rented;

    public ReadOnlySpan<int> Rows => (_rented ?? throw new ObjectDisposedException(nameof(QueryPage))).AsSpan(0, count);

    public int Count => count;

    /// <summary>Every entry that matched the filter, in and out of the page.</summary>
    public int Total => total;

    /// <summary>Where the page starts among the matches (the requested offset).</summary>
    public int Start => start;

    /// <summary>The page [offset, offset + limit) of an ordered run of indexes (limit 0: to the end), copied into a pooled array.</summary>
    public static QueryPage Of(ReadOnlySpan<int> ordered, int offset, int limit, int total)
    {
        int start = Math.Min(offset, ordered.Length);
        int count = limit == 0 ? ordered.Length - start : Math.Min(limit, ordered.Length - start);
        int[] rows = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        ordered.Slice(start, count).CopyTo(rows);
        return new QueryPage(rows, count, total, offset);
    }

    public void Dispose()
    {
        if (_rented is { } array)
        {
            _rented = null;
            ArrayPool<int>.Shared.Return(array);
        }
    }
}
