using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Pyctd.Conntrack;

/// <summary>
/// Appends netlink attributes to a message in a caller-provided buffer and keeps nlmsg_len (the
/// first four bytes) up to date, so the library's builders and ours can take turns on one message.
/// </summary>
internal readonly ref struct NetlinkMessageWriter
{
    private readonly Span<byte> _buffer;

    public NetlinkMessageWriter(Span<byte> buffer, ushort type, ushort flags, uint sequence, byte family)
    {
        _buffer = buffer;
        buffer[..(Netlink.HeaderLength + Netlink.NfgenHeaderLength)].Clear();
        MemoryMarshal.Write(buffer[4..], type);
        MemoryMarshal.Write(buffer[6..], flags);
        MemoryMarshal.Write(buffer[8..], sequence);
        buffer[Netlink.HeaderLength] = family;                // nfgenmsg.nfgen_family
        buffer[Netlink.HeaderLength + 1] = Netlink.NFNETLINK_V0; // nfgenmsg.version; res_id stays 0
        Length = Netlink.HeaderLength + Netlink.NfgenHeaderLength;
    }

    /// <summary>The message length, as stored in nlmsg_len (others may have appended to it).</summary>
    public int Length
    {
        readonly get => (int)MemoryMarshal.Read<uint>(_buffer);
        private set => MemoryMarshal.Write(_buffer, (uint)value);
    }

    public readonly Span<byte> Message => _buffer[..Length];

    public void PutU8(ushort type, byte value) => Put(type, [value]);

    public void PutBigEndianU16(ushort type, ushort value)
    {
        Span<byte> payload = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, value);
        Put(type, payload);
    }

    public void PutBigEndianU32(ushort type, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        Put(type, payload);
    }

    /// <summary>Some attributes (CTA_FILTER flags) are host order; the kernel reads them with nla_get_u32.</summary>
    public void PutHostU32(ushort type, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        MemoryMarshal.Write(payload, value);
        Put(type, payload);
    }

    public void Put(ushort type, scoped ReadOnlySpan<byte> payload)
    {
        int start = Length;
        int attributeLength = Netlink.AttributeHeaderLength + payload.Length;
        Span<byte> attribute = _buffer.Slice(start, Netlink.Align(attributeLength));
        attribute.Clear();
        MemoryMarshal.Write(attribute, (ushort)attributeLength);
        MemoryMarshal.Write(attribute[2..], type);
        payload.CopyTo(attribute[Netlink.AttributeHeaderLength..]);
        Length = start + attribute.Length;
    }

    /// <summary>Starts a nested attribute; returns the offset to hand to <see cref="EndNest"/>.</summary>
    public int BeginNest(ushort type)
    {
        int start = Length;
        Span<byte> header = _buffer.Slice(start, Netlink.AttributeHeaderLength);
        MemoryMarshal.Write(header[2..], (ushort)(type | Netlink.NLA_F_NESTED));
        Length = start + Netlink.AttributeHeaderLength;
        return start;
    }

    public void EndNest(int start) => MemoryMarshal.Write(_buffer[start..], (ushort)(Length - start));
}
