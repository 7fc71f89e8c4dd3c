using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pyctd.Conntrack;

/// <summary>Which optional parts of a <see cref="ConntrackRecord"/> the kernel sent.</summary>
[Flags]
internal enum RecordFields : uint
{
    None = 0,
    Id = 1 << 0,
    Status = 1 << 1,
    Timeout = 1 << 2,
    Mark = 1 << 3,
    Secmark = 1 << 4,
    Zone = 1 << 5,
    Use = 1 << 6,
    TcpState = 1 << 7,
    SctpState = 1 << 8,
    DccpState = 1 << 9,
    OrigCounters = 1 << 10,
    ReplyCounters = 1 << 11,
    TimestampStart = 1 << 12,
    TimestampStop = 1 << 13,
    /// <summary>The original tuple carried ports (CTA_PROTO_SRC_PORT/DST_PORT); GRE's keys count.</summary>
    Ports = 1 << 14,
    Helper = 1 << 15,
    OrigZone = 1 << 16,
    ReplyZone = 1 << 17,
    SecurityContext = 1 << 18,

    // Rare parts sit above bit 15: serve's compact entries keep the low 16 bits and store an entry
    // with any higher one whole.
    Labels = 1 << 19,
}

/// <summary>16 raw address bytes in network order; IPv4 uses the first four.</summary>
[InlineArray(16)]
internal struct AddressBytes
{
    private byte _element0;
}

/// <summary>Connection labels: the kernel's 128-bit bitmap, as sent.</summary>
[InlineArray(16)]
internal struct LabelBits
{
    private byte _element0;
}

/// <summary>A helper name, NUL-padded; the kernel caps it at NF_CT_HELPER_NAME_LEN (16) including the NUL.</summary>
[InlineArray(16)]
internal struct HelperNameBytes
{
    private byte _element0;
}

/// <summary>One direction of a connection, as the kernel's tuple gives it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConntrackTuple
{
    public AddressBytes Source;
    public AddressBytes Destination;

    /// <summary>Host order. For GRE these hold the keys; for ICMP they stay 0.</summary>
    public ushort SourcePort;
    public ushort DestinationPort;

    /// <summary>Host order. ICMP and ICMPv6 only.</summary>
    public ushort IcmpId;
    public byte IcmpType;
    public byte IcmpCode;

    /// <summary>Per-direction zone (CTA_TUPLE_ZONE), set only when <see cref="RecordFields.OrigZone"/>/<see cref="RecordFields.ReplyZone"/> is.</summary>
    public ushort Zone;
    public byte Protocol;
    private readonly byte _reserved;
}

/// <summary>Packet and byte counters of one direction (only with nf_conntrack_acct=1).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Counters
{
    public ulong Packets;
    public ulong Bytes;
}

/// <summary>
/// One conntrack entry, fixed size and free of references, so a whole table lives in one unmanaged
/// buffer and a dump allocates nothing per entry. Integers are host order; addresses network order.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConntrackRecord
{
    public RecordFields Fields;
    public uint Id;
    public byte Family;
    public byte Protocol;

    /// <summary>TCP, SCTP or DCCP state number; which one is told by <see cref="Fields"/>.</summary>
    public byte ProtocolState;
    private readonly byte _reserved;
    public ushort Zone;
    private readonly ushort _reserved2;

    public uint Status;
    public uint Timeout;
    public uint Mark;
    public uint Secmark;
    public uint Use;

    public ConntrackTuple Original;
    public ConntrackTuple Reply;
    public Counters OriginalCounters;
    public Counters ReplyCounters;

    /// <summary>Nanoseconds since the epoch (CLOCK_REALTIME), with nf_conntrack_timestamp=1.</summary>
    public ulong StartNanoseconds;
    public ulong StopNanoseconds;

    public LabelBits Labels;
    public HelperNameBytes Helper;

    public readonly bool Has(RecordFields field) => (Fields & field) != 0;

    public readonly bool IsIPv6 => Family == AddressFamilies.Inet6;

    public readonly ulong TotalBytes => OriginalCounters.Bytes + ReplyCounters.Bytes;

    public readonly ulong TotalPackets => OriginalCounters.Packets + ReplyCounters.Packets;

    /// <summary>The helper name without its NUL padding.</summary>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    public readonly ReadOnlySpan<byte> HelperName
    {
        get
        {
            ReadOnlySpan<byte> raw = Helper;
            int end = raw.IndexOf((byte)0);
            return end < 0 ? raw : raw[..end];
        }
    }
}

internal static class AddressFamilies
{
    public const byte Unspecified = 0;
    public const byte Inet = 2;
    public const byte Inet6 = 10;
}
