using Pyctd.Conntrack;

namespace Pyctd.Domain.Filtering;

/// <summary>
/// Any number of address prefixes as sorted, merged ranges per family: a lookup is a binary search,
/// O(log n) whatever the list's size, so a view() with 20,000 prefixes costs no more per entry than
/// one with twenty.
/// </summary>
internal sealed class PrefixSet
{
    private readonly (UInt128 First, UInt128 Last)[] _ipv4;
    private readonly (UInt128 First, UInt128 Last)[] _ipv6;

    public PrefixSet(IEnumerable<AddressPrefix> prefixes)
    {
        AddressPrefix[] all = prefixes.ToArray();
        _ipv4 = Merge(all.Where(static p => p.Family == AddressFamilies.Inet));
        _ipv6 = Merge(all.Where(static p => p.Family == AddressFamilies.Inet6));
    }

    public bool Contains(byte family, in AddressBytes address)
    {
        (UInt128 First, UInt128 Last)[] ranges = family == AddressFamilies.Inet6 ? _ipv6 : family == AddressFamilies.Inet ? _ipv4 : [];
        if (ranges.Length == 0)
        {
            return false;
        }

        UInt128 value = AddressPrefix.ToNumber(family, address);
        int low = 0;
        int high = ranges.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            if (value < ranges[middle].First)
            {
                high = middle - 1;
            }
            else if (value > ranges[middle].Last)
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private static (UInt128 First, UInt128 Last)[] Merge(IEnumerable<AddressPrefix> prefixes)
    {
        var merged = new List<(UInt128 First, UInt128 Last)>();
        foreach (var (first, last) in prefixes.Select(static p => p.Range).OrderBy(static r => r.First))
        {
            if (merged.Count > 0 && merged[^1].Last == UInt128.MaxValue)
            {
                break; // the previous range already reaches the top of the address space
            }

            // Overlapping or adjacent ranges become one.
            if (merged.Count > 0 && first <= merged[^1].Last + 1)
            {
                merged[^1] = (merged[^1].First, UInt128.Max(merged[^1].Last, last));
            }
            else
            {
                merged.Add((first, last));
            }
        }

        return [.. merged];
    }
}
