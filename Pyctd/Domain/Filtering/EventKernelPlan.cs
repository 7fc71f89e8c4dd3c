using System.Buffers.Binary;
using Pyctd.Conntrack;
using Pyctd.Domain.Fields;

namespace Pyctd.Domain.Filtering;

/// <summary>
/// The part of a filter the event socket's BPF program applies in the kernel: family, protocol,
/// original ports and IPv4 addresses (both tuples). What it leaves out (IPv6 addresses, state, mark,
/// status, zone, id) is for user space, which checks every key of every event anyway.
/// </summary>
internal static class EventKernelPlan
{
    public static IReadOnlyList<EventFilterKey> For(FilterSpec spec)
    {
        var keys = new List<EventFilterKey>();
        foreach (FilterKey key in spec.Keys)
        {
            EventFilterField? field = FieldOf(key.Field);
            if (field is null)
            {
                continue;
            }

            EventFilterTerm[] terms = field.Value is EventFilterField.Family or EventFilterField.Protocol
                or EventFilterField.OrigSourcePort or EventFilterField.OrigDestinationPort
                ? key.AnyOf.Select(static t => new EventFilterTerm((uint)t.Value, t.Mask > uint.MaxValue ? uint.MaxValue : (uint)t.Mask)).ToArray()
                : IPv4Terms(key.AnyOf);

            // A key whose every term is IPv6 cannot be compared in the kernel: it is left out, never turned into "nothing".
            if (terms.Length > 0)
            {
                keys.Add(new EventFilterKey(field.Value, terms));
            }
        }

        return keys;
    }

    /// <summary>The catalog's fields the socket filter can read, and where it finds each.</summary>
    private static readonly (ConntrackField Field, EventFilterField Kernel)[] s_fields =
    [
        (FieldCatalog.Family, EventFilterField.Family),
        (FieldCatalog.Protocol, EventFilterField.Protocol),
        (FieldCatalog.OrigPortSrc, EventFilterField.OrigSourcePort),
        (FieldCatalog.OrigPortDst, EventFilterField.OrigDestinationPort),
        (FieldCatalog.OrigSrc, EventFilterField.OrigSourceIPv4),
        (FieldCatalog.OrigDst, EventFilterField.OrigDestinationIPv4),
        (FieldCatalog.ReplSrc, EventFilterField.ReplySourceIPv4),
        (FieldCatalog.ReplDst, EventFilterField.ReplyDestinationIPv4),
    ];

    private static EventFilterField? FieldOf(ConntrackField field)
    {
        foreach (var (catalogField, kernel) in s_fields)
        {
            if (catalogField == field)
            {
                return kernel;
            }
        }

        return null;
    }

    /// <summary>
    /// The IPv4 prefixes of a key as value/mask pairs. IPv6 terms are left out: an IPv6 event has no
    /// IPv4 address attribute, so the program skips the key for it and user space decides.
    /// </summary>
    private static EventFilterTerm[] IPv4Terms(FilterTerm[] anyOf) => anyOf
        .Where(static t => t.Prefix is { Family: AddressFamilies.Inet })
        .Select(static t =>
        {
            AddressPrefix prefix = t.Prefix!.Value;
            uint mask = prefix.PrefixLength == 0 ? 0 : uint.MaxValue << (32 - prefix.PrefixLength);
            return new EventFilterTerm(BinaryPrimitives.ReadUInt32BigEndian(prefix.Bytes) & mask, mask);
        })
        .ToArray();
}
