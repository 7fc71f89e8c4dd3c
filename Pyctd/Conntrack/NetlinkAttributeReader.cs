using System.Runtime.InteropServices;

namespace Pyctd.Conntrack;

/// <summary>
/// Walks a run of netlink attributes (struct nlattr, 4-byte aligned). Stops at the first attribute
/// whose length does not fit, so a malformed message can never make us read past its end; such a
/// stop, or bytes left over too few for an attribute header, is reported as <see cref="Malformed"/>.
/// </summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _remaining;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes) => _remaining = attributes;

    /// <summary>The walk ended on bytes that are not a whole attribute (nla_len below 4 or past the end, or a stray tail).</summary>
    public bool Malformed { get; private set; }

    /// <summary>Reads the next attribute: its type without the NESTED/BYTEORDER flag bits, and its payload.</summary>
    public bool TryRead(out ushort type, out ReadOnlySpan<byte> payload)
    {
        if (_remaining.Length >= Netlink.AttributeHeaderLength)
        {
            // nla_len and nla_type are host order, unlike the payloads ctnetlink puts in them.
            int length = MemoryMarshal.Read<ushort>(_remaining);
            if (length >= Netlink.AttributeHeaderLength && length <= _remaining.Length)
            {
                type = (ushort)(MemoryMarshal.Read<ushort>(_remaining[2..]) & Netlink.NLA_TYPE_MASK);
                payload = _remaining[Netlink.AttributeHeaderLength..length];
                int advance = Math.Min(Netlink.Align(length), _remaining.Length);
                _remaining = _remaining[advance..];
                return true;
            }
        }

        // Attributes and nests are padded to 4 bytes, so well-formed ones leave nothing behind.
        Malformed |= !_remaining.IsEmpty;
        _remaining = default;
        type = 0;
        payload = default;
        return false;
    }
}
