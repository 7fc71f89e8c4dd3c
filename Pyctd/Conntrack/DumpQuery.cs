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
        filter.Source is { IsSingleHost: true } source && source.Family == family ? source : null,
        filter.Destination is { IsSingleHost: true } destination && destination.Family == family ? destination : null);

    /// <summary>CTA_FILTER needs a concrete family (the kernel answers EOPNOTSUPP to AF_UNSPEC) and something to compare.</summary>
    public bool UsesTupleFilter =>
        Family != AddressFamilies.Unspecified
        && (Protocol is not null || SourcePort is not null || DestinationPort is not null || Source is not null || Destination is not null);
}
