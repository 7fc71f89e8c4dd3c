using System.Net;
using System.Net.Sockets;
using Pyctd.Conntrack;

namespace Pyctd.Domain.Filtering;

/// <summary>An address with a prefix length ("10.0.0.0/8", "fd00::/64", "::1"), matched bitwise against entries.</summary>
internal readonly struct AddressPrefix
{
    private readonly AddressBytes _address;

    private AddressPrefix(byte family, AddressBytes address, int prefixLength)
    {
        Family = family;
        _address = address;
        PrefixLength = prefixLength;
    }

    public byte Family { get; }

    public AddressBytes Address => _address;

    public int PrefixLength { get; }

    public bool IsSingleHost => PrefixLength == (Family == AddressFamilies.Inet6 ? 128 : 32);

    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    public ReadOnlySpan<byte> Bytes => ((ReadOnlySpan<byte>)_address)[..(Family == AddressFamilies.Inet6 ? 16 : 4)];

    /// <summary>Parses ADDR or ADDR/PREFIX; the error names the offending text.</summary>
    public static bool TryParse(string text, out AddressPrefix prefix, out string? error)
    {
        prefix = default;
        error = null;
        string addressPart = text;
        int? length = null;
        int slash = text.IndexOf('/');
        if (slash >= 0)
        {
            addressPart = text[..slash];
            if (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out int parsedLength))
            {
                error = $"'{text}' is not an address or ADDR/PREFIX: bad prefix length";
                return false;
            }

            length = parsedLength;
        }

        // IPAddress.TryParse also takes "1" or "1.2" (inet_aton forms) and zone ids; admins mean neither.
        bool looksLikeV4 = !addressPart.Contains(':');
        if (addressPart.Contains('%') || (looksLikeV4 && addressPart.Split('.').Length != 4)
            || !IPAddress.TryParse(addressPart, out IPAddress? address))
        {
            error = $"'{text}' is not an IPv4 or IPv6 address";
            return false;
        }

        byte family = address.AddressFamily == AddressFamily.InterNetworkV6 ? AddressFamilies.Inet6 : AddressFamilies.Inet;
        int maxLength = family == AddressFamilies.Inet6 ? 128 : 32;
        int prefixLength = length ?? maxLength;
        if (prefixLength > maxLength)
        {
            error = $"'{text}': prefix length {prefixLength} is longer than {maxLength}";
            return false;
        }

        AddressBytes bytes = default;
        address.TryWriteBytes(bytes, out _);
        prefix = new AddressPrefix(family, bytes, prefixLength);
        return true;
    }

    /// <summary>The first and last address the prefix covers, as 128-bit numbers (IPv4 in the low 32 bits).</summary>
    public (UInt128 First, UInt128 Last) Range
    {
        get
        {
            int bits = Family == AddressFamilies.Inet6 ? 128 : 32;
            UInt128 value = ToNumber(Family, _address);
            UInt128 hostMask = PrefixLength == 0 ? (bits == 128 ? UInt128.MaxValue : uint.MaxValue) : (((UInt128)1 << (bits - PrefixLength)) - 1);
            return (value & ~hostMask, value | hostMask);
        }
    }

    /// <summary>An address as a number: IPv4 in the low 32 bits, IPv6 as all 128 (network order read big-endian).</summary>
    public static UInt128 ToNumber(byte family, in AddressBytes address) => family == AddressFamilies.Inet6
        ? System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(address)
        : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address);

    public override string ToString()
    {
        var address = new IPAddress(Bytes);
        return IsSingleHost ? address.ToString() : $"{address}/{PrefixLength}";
    }

    public bool Matches(byte family, in AddressBytes address)
    {
        if (family != Family)
        {
            return false;
        }

        ReadOnlySpan<byte> candidate = address;
        ReadOnlySpan<byte> mine = _address;
        int fullBytes = PrefixLength >> 3;
        if (!candidate[..fullBytes].SequenceEqual(mine[..fullBytes]))
        {
            return false;
        }

        int remainingBits = PrefixLength & 7;
        if (remainingBits == 0)
        {
            return true;
        }

        int mask = (0xff << (8 - remainingBits)) & 0xff;
        return (candidate[fullBytes] & mask) == (mine[fullBytes] & mask);
    }
}
