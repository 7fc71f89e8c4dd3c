using System.Buffers.Binary;
using Pyctd.Conntrack;
using Pyctd.Domain.Fields;

namespace Pyctd.Domain.Query;

/// <summary>
/// What ordering compares instead of whole records: the field's value as 64 bits, the id for ties,
/// and the entry's index in its table. 16 bytes, so sorting 200,000 matches moves 3 MB, not 40.
/// </summary>
internal readonly record struct SortKey(ulong Value, uint Id, int Index)
{
    /// <summary>IPv6 keys hold only the address's first 63 bits: equal ones are compared in full.</summary>
    public const ulong IPv6Flag = 1UL << 63;

    public static SortKey Of(ConntrackField field, in ConntrackRecord record, in Rates rates, int index) =>
        new(ValueOf(field, record, rates), record.Id, index);

    /// <summary>
    /// Numbers as they are. Addresses: IPv4 before IPv6 (as the family numbers order them), each
    /// numerically; an IPv4 address fits whole, an IPv6 address is cut to its top 63 bits.
    /// </summary>
    public static ulong ValueOf(ConntrackField field, in ConntrackRecord record, in Rates rates)
    {
        if (field.Type != FieldType.Address)
        {
            return field.Number!(record, rates);
        }

        ReadOnlySpan<byte> address = field.Address!(record);
        return record.Family == AddressFamilies.Inet6
            ? IPv6Flag | (BinaryPrimitives.ReadUInt64BigEndian(address) >> 1)
            : BinaryPrimitives.ReadUInt32BigEndian(address);
    }

    public bool NeedsFullAddress => (Value & IPv6Flag) != 0;
}
