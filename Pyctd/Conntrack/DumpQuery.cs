using Pyctd.Filtering;

namespace Pyctd.Conntrack;

/// <summary>
/// What the kernel can filter for us during a dump: the family, mark/mask, status/mask (5.15+) and,
/// through CTA_FILTER (5.8+), the original tuple's protocol, ports and exact addresses. Kernels that
/// do not know a part ignore it, so the dumper always re-checks every entry with the full filter.
/// </summary>
internal readonly record struct DumpQuery(
    byte Family,
    uint? Mark,
    uint MarkMask,
    uint Status,
    byte? Protocol,
    ushort? SourcePort,
    ushort? DestinationPort,
    AddressPrefix? Source,
    AddressPrefix? Destination)
{
    public static DumpQuery For(ConnectionFilter filter, byte family) => new(
        family,
        filter.Mark,
        filter.MarkMask,
        filter.Status,
        filter.Protocol,
        filter.SourcePort,
        filter.DestinationPort,
        KernelComparable(filter.Source, family),
        KernelComparable(filter.Destination, family));

    /// <summary>
    /// CTA_FILTER compares whole addresses only, and only IPv4 reliably: Linux 6.18 inverts its IPv6
    /// address comparison (a matching entry is dropped), found by this project's filter tests.
    /// </summary>
    private static AddressPrefix? KernelComparable(AddressPrefix? prefix, byte family) =>
        prefix is { IsSingleHost: true, Family: AddressFamilies.Inet } exact && family == AddressFamilies.Inet ? exact : null;

    /// <summary>CTA_FILTER needs a concrete family (the kernel answers EOPNOTSUPP to AF_UNSPEC) and something to compare.</summary>
    public bool UsesTupleFilter =>
        Family != AddressFamilies.Unspecified
        && (Protocol is not null || SourcePort is not null || DestinationPort is not null || Source is not null || Destination is not null);
}
