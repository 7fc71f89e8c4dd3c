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

    public void Dispose()
    {
        if (_rented is { } array)
        {
            _rented = null;
            ArrayPool<int>.Shared.Return(array);
        }
    }
}
