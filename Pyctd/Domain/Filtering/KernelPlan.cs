using Pyctd.Conntrack;
using Pyctd.Domain.Fields;

namespace Pyctd.Domain.Filtering;

/// <summary>
/// The part of a filter the kernel applies itself, so that entries we would drop are never sent:
/// every key given with exactly one value that ctnetlink can compare. Everything is still checked
/// again in user space (kernels ignore what they do not know).
/// </summary>
internal static class KernelPlan
{
    public static DumpQuery Everything { get; } = new(AddressFamilies.Unspecified, null, uint.MaxValue, 0, null, null, null, null, null);

    public static IReadOnlyList<DumpQuery> For(FilterSpec spec)
    {
        byte family = spec.Single(FieldCatalog.Family) is { } f ? (byte)f.Value : ImpliedFamily(spec);
        FilterTerm? mark = spec.Single(FieldCatalog.Mark);
        FilterTerm? status = spec.Single(FieldCatalog.Status);
        byte? protocol = spec.Single(FieldCatalog.Protocol) is { } p ? (byte)p.Value : null;
        bool ports = protocol is byte known && IpProtocols.HasPorts(known);
        var query = new DumpQuery(
            family,
            mark is { } m ? (uint)m.Value : null,
            mark is { } mm ? (uint)mm.Mask : uint.MaxValue,
            status is { } s ? (uint)s.Value : 0,
            protocol,
            ports && spec.Single(FieldCatalog.OrigPortSrc) is { IsExact: true } sport ? (ushort)sport.Value : null,
            ports && spec.Single(FieldCatalog.OrigPortDst) is { IsExact: true } dport ? (ushort)dport.Value : null,
            ExactIPv4(spec.Single(FieldCatalog.OrigSrc)),
            ExactIPv4(spec.Single(FieldCatalog.OrigDst)));

        // CTA_FILTER needs a concrete family, so a tuple filter for both families is one dump per family.
        if (family != AddressFamilies.Unspecified || !(query with { Family = AddressFamilies.Inet }).UsesTupleFilter)
        {
            return [query];
        }

        return [query with { Family = AddressFamilies.Inet }, query with { Family = AddressFamilies.Inet6, Source = null, Destination = null }];
    }

    /// <summary>Addresses of one family imply it: an entry of the other family could not match them.</summary>
    private static byte ImpliedFamily(FilterSpec spec)
    {
        byte family = AddressFamilies.Unspecified;
        foreach (FilterKey key in spec.Keys)
        {
            if (key.Field.Type is FieldType.Address or FieldType.IPv4Integer)
            {
                byte keyFamily = key.AnyOf[0].Prefix!.Value.Family;
                if (key.AnyOf.Any(t => t.Prefix!.Value.Family != keyFamily))
                {
                    continue; // this key allows both; another may still decide
                }

                family = keyFamily;
            }
        }

        return family;
    }

    /// <summary>
    /// CTA_FILTER compares whole addresses only, and only IPv4 reliably: Linux 6.18 inverts its IPv6
    /// address comparison (a matching entry is dropped), found by this project's filter tests.
    /// </summary>
    private static AddressBytes? ExactIPv4(FilterTerm? term) =>
        term?.Prefix is { IsSingleHost: true, Family: AddressFamilies.Inet } exact ? exact.Address : null;
}
