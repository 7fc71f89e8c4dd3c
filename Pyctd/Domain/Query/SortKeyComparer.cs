using Pyctd.Conntrack;

namespace Pyctd.Domain.Query;

/// <summary>
/// Compares keys by value, then id; where two IPv6 keys tie on their 63 bits, the addresses are read
/// from the source and compared whole. Descending reverses the whole order, ties included.
/// </summary>
internal readonly struct SortKeyComparer(ConnectionOrder order, IRowSource source) : IComparer<SortKey>
{
    public int Compare(SortKey x, SortKey y)
    {
        int result = x.Value.CompareTo(y.Value);
        if (result == 0 && x.NeedsFullAddress && order.Field.Address is { } address)
        {
            source.TryRead(x.Index, out ConntrackRecord first, out _);
            source.TryRead(y.Index, out ConntrackRecord second, out _);
            result = ((ReadOnlySpan<byte>)address(first)).SequenceCompareTo(address(second));
        }

        if (result == 0)
        {
            result = x.Id.CompareTo(y.Id);
        }

        return order.Descending ? -result : result;
    }
}
