namespace Pyctd.Conntrack;

/// <summary>Netlink and nfnetlink framing (linux/netlink.h, linux/netfilter/nfnetlink.h).</summary>
internal static class Netlink
{
    public const int HeaderLength = 16;       // struct nlmsghdr
    public const int NfgenHeaderLength = 4;   // struct nfgenmsg
    public const int AttributeHeaderLength = 4;

    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;

    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP_INTR = 0x10;
    public const ushort NLM_F_ROOT = 0x100;
    public const ushort NLM_F_MATCH = 0x200;
    public const ushort NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;

    public const ushort NLA_F_NESTED = 0x8000;
    public const ushort NLA_F_NET_BYTEORDER = 0x4000;
    public const ushort NLA_TYPE_MASK = 0x3fff;

    public const byte NFNETLINK_V0 = 0;
    public const ushort NFNL_SUBSYS_CTNETLINK = 1;

    public const ushort IPCTNL_MSG_CT_NEW = 0;
    public const ushort IPCTNL_MSG_CT_GET = 1;
    public const ushort IPCTNL_MSG_CT_DELETE = 2;

    public static ushort CtMessage(ushort message) => (ushort)((NFNL_SUBSYS_CTNETLINK << 8) | message);

    public static int Align(int length) => (length + 3) & ~3;
}

/// <summary>enum ctattr_type and its nested enums (linux/netfilter/nfnetlink_conntrack.h).</summary>
internal static class Cta
{
    public const ushort TUPLE_ORIG = 1;
    public const ushort TUPLE_REPLY = 2;
    public const ushort STATUS = 3;
    public const ushort PROTOINFO = 4;
    public const ushort HELP = 5;
    public const ushort TIMEOUT = 7;
    public const ushort MARK = 8;
    public const ushort COUNTERS_ORIG = 9;
    public const ushort COUNTERS_REPLY = 10;
    public const ushort USE = 11;
    public const ushort ID = 12;
    public const ushort SECMARK = 17;
    public const ushort ZONE = 18;
    public const ushort SECCTX = 19;
    public const ushort TIMESTAMP = 20;
    public const ushort MARK_MASK = 21;
    public const ushort LABELS = 22;
    public const ushort FILTER = 25;
    public const ushort STATUS_MASK = 26;

    public const ushort TUPLE_IP = 1;
    public const ushort TUPLE_PROTO = 2;
    public const ushort TUPLE_ZONE = 3;

    public const ushort IP_V4_SRC = 1;
    public const ushort IP_V4_DST = 2;
    public const ushort IP_V6_SRC = 3;
    public const ushort IP_V6_DST = 4;

    public const ushort PROTO_NUM = 1;
    public const ushort PROTO_SRC_PORT = 2;
    public const ushort PROTO_DST_PORT = 3;
    public const ushort PROTO_ICMP_ID = 4;
    public const ushort PROTO_ICMP_TYPE = 5;
    public const ushort PROTO_ICMP_CODE = 6;
    public const ushort PROTO_ICMPV6_ID = 7;
    public const ushort PROTO_ICMPV6_TYPE = 8;
    public const ushort PROTO_ICMPV6_CODE = 9;

    public const ushort PROTOINFO_TCP = 1;
    public const ushort PROTOINFO_DCCP = 2;
    public const ushort PROTOINFO_SCTP = 3;
    public const ushort PROTOINFO_STATE = 1; // first member of each protoinfo nest

    public const ushort HELP_NAME = 1;

    public const ushort COUNTERS_PACKETS = 1;
    public const ushort COUNTERS_BYTES = 2;
    public const ushort COUNTERS32_PACKETS = 3;
    public const ushort COUNTERS32_BYTES = 4;

    public const ushort TIMESTAMP_START = 1;
    public const ushort TIMESTAMP_STOP = 2;

    public const ushort FILTER_ORIG_FLAGS = 1;
    public const ushort FILTER_REPLY_FLAGS = 2;

    // CTA_FILTER_FLAG(x): which parts of the request's tuple the kernel compares.
    public const uint FILTER_FLAG_IP_SRC = 1 << 0;
    public const uint FILTER_FLAG_IP_DST = 1 << 1;
    public const uint FILTER_FLAG_TUPLE_ZONE = 1 << 2;
    public const uint FILTER_FLAG_PROTO_NUM = 1 << 3;
    public const uint FILTER_FLAG_PROTO_SRC_PORT = 1 << 4;
    public const uint FILTER_FLAG_PROTO_DST_PORT = 1 << 5;
}

/// <summary>IPPROTO_* numbers pyctd knows by name.</summary>
internal static class IpProtocols
{
    public const byte Icmp = 1;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Dccp = 33;
    public const byte Gre = 47;
    public const byte IcmpV6 = 58;
    public const byte Sctp = 132;
    public const byte UdpLite = 136;

    /// <summary>Protocols whose tuple carries ports (conntrack prints sport=/dport=).</summary>
    public static bool HasPorts(byte protocol) =>
        protocol is Tcp or Udp or UdpLite or Sctp or Dccp;

    public static bool IsIcmp(byte protocol) => protocol is Icmp or IcmpV6;
}

/// <summary>enum ip_conntrack_status bits (IPS_*).</summary>
internal static class ConntrackStatus
{
    public const uint Expected = 1 << 0;
    public const uint SeenReply = 1 << 1;
    public const uint Assured = 1 << 2;
    public const uint Confirmed = 1 << 3;
    public const uint Dying = 1 << 9;
    public const uint FixedTimeout = 1 << 10;

    /// <summary>
    /// The bits the kernel compares when an update carries CTA_STATUS (nf_ct_change_status_common):
    /// the update is refused (EBUSY) unless they equal the entry's, except that SEEN_REPLY and
    /// ASSURED may be added. Every other bit in CTA_STATUS is only ever set, never cleared.
    /// </summary>
    public const uint ComparedOnUpdate = Expected | SeenReply | Assured | Confirmed | Dying;
    public const uint Offload = 1 << 14;
    public const uint HwOffload = 1 << 15;
}
