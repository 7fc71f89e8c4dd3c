using System.Buffers.Binary;
using Pyctd.Conntrack;

namespace Pyctd.Domain.Query;

/// <summary>
/// One group's key value, fixed size so the accumulator's dictionary allocates nothing per entry:
/// a number in <see cref="Low"/>, or an address (prefix applied) as its 128 bits with its family.
/// </summary>
internal readonly record struct GroupValue(byte Kind, ulong High, ulong Low)
{
    /// <summary>A number (port, mark, zone, protocol, state rank, ...).</summary>
    public const byte NumberKind = 0;

    /// <summary>The entry does not carry the field (an ICMP entry grouped by port).</summary>
    public const byte MissingKind = 0xff;

    public static GroupValue Missing { get; } = new(MissingKind, 0, 0);

    public static GroupValue Number(ulong value) => new(NumberKind, 0, value);

    public bool IsMissing => Kind == MissingKind;

    public bool IsAddress => Kind is AddressFamilies.Inet or AddressFamilies.Inet6;

    /// <summary>The address, the first <paramref name="prefix"/> bits kept.</summary>
    public static GroupValue Address(byte family, in AddressBytes address, int prefix)
    {
        ReadOnlySpan<byte> bytes = address;
        if (family == AddressFamilies.Inet6)
        {
            ulong high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            ulong low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
            return new(family, high & Mask(prefix), low & Mask(prefix - 64));
        }

        ulong v4 = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        return new(family, 0, v4 & Mask(prefix + 32) & uint.MaxValue);
    }

    /// <summary>The address back as the bytes <see cref="Output.AddressText"/> formats.</summary>
    public AddressBytes AddressBytes()
    {
        AddressBytes bytes = default;
        Span<byte> span = bytes;
        if (Kind == AddressFamilies.Inet6)
        {
            BinaryPrimitives.WriteUInt64BigEndian(span, High);
            BinaryPrimitives.WriteUInt64BigEndian(span[8..], Low);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)Low);
        }

        return bytes;
    }

    /// <summary>Orders keys: missing last, numbers, then IPv4 before IPv6, each numerically.</summary>
    public static int Compare(in GroupValue x, in GroupValue y)
    {
        int result = x.Kind.CompareTo(y.Kind);
        if (result == 0)
        {
            result = x.High.CompareTo(y.High);
        }

        return result != 0 ? result : x.Low.CompareTo(y.Low);
    }

    /// <summary>The top <paramref name="bits"/> of 64 set (0 or fewer: none; 64 or more: all).</summary>
    private static ulong Mask(int bits) => bits <= 0 ? 0 : bits >= 64 ? ulong.MaxValue : ulong.MaxValue << (64 - bits);
}
