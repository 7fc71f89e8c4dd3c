namespace Pyctd.Conntrack;

/// <summary>
/// What the kernel can filter for us during a dump: the family, mark/mask, status/mask (5.15+) and,
/// through CTA_FILTER (5.8+), the original tuple's protocol, ports and exact addresses. Kernels that
/// do not know a part ignore it, so whoever asks must re-check every entry it receives.
/// </summary>
internal readonly record struct DumpQuery(
    byte Family,
    uint? Mark,
    uint MarkMask,
    uint Status,
    byte? Protocol,
    ushort? SourcePort,
    ushort? DestinationPort,
    AddressBytes? Source,
    AddressBytes? Destination)
{
    /// <summary>CTA_FILTER needs a concrete family (the kernel answers EOPNOTSUPP to AF_UNSPEC) and something to compare.</summary>
    public bool UsesTupleFilter =>
        Family != AddressFamilies.Unspecified
        && (Protocol is not null || SourcePort is not null || DestinationPort is not null || Source is not null || Destination is not null);
}
