using System.Runtime.InteropServices;
using Libc = Pyctd.Interop.Interop.Libc;

namespace Pyctd.Conntrack;

/// <summary>One netlink message of a datagram: its header fields and the whole message (header first).</summary>
internal readonly ref struct NetlinkMessage(ReadOnlySpan<byte> bytes)
{
    public ReadOnlySpan<byte> Bytes { get; } = bytes;

    public ushort Type => MemoryMarshal.Read<ushort>(Bytes[4..]);

    public ushort Flags => MemoryMarshal.Read<ushort>(Bytes[6..]);

    public uint Sequence => MemoryMarshal.Read<uint>(Bytes[8..]);

    public ReadOnlySpan<byte> Payload => Bytes[Netlink.HeaderLength..];

    /// <summary>
    /// For NLMSG_ERROR: the positive errno, or 0 for an acknowledgement. One too short to hold
    /// struct nlmsgerr's error field is EBADMSG, never an acknowledgement: read as 0 it would end a
    /// dump early as if it were complete.
    /// </summary>
    public int Errno => Payload.Length >= 4 ? -MemoryMarshal.Read<int>(Payload) : Libc.EBADMSG;
}

/// <summary>
/// Walks the netlink messages of one received datagram (nlmsghdr, 4-byte aligned). A length that
/// does not fit, or bytes left over too few for a header, are reported as <see cref="Malformed"/>
/// and end the walk: nothing is read past the end.
/// </summary>
internal ref struct NetlinkMessageReader(ReadOnlySpan<byte> datagram)
{
    private ReadOnlySpan<byte> _remaining = datagram;

    public bool Malformed { get; private set; }

    public bool TryRead(out NetlinkMessage message)
    {
        message = default;
        if (_remaining.Length < Netlink.HeaderLength)
        {
            // Messages are padded to 4 bytes, so a whole datagram never ends in part of a header.
            Malformed |= !_remaining.IsEmpty;
            _remaining = default;
            return false;
        }

        int length = (int)MemoryMarshal.Read<uint>(_remaining);
        if (length < Netlink.HeaderLength || length > _remaining.Length)
        {
            Malformed = true;
            _remaining = default;
            return false;
        }

        message = new NetlinkMessage(_remaining[..length]);
        _remaining = _remaining[Math.Min(Netlink.Align(length), _remaining.Length)..];
        return true;
    }
}
