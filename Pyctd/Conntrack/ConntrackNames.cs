namespace Pyctd.Conntrack;

/// <summary>
/// The names conntrack(8) prints, as UTF-8 literals for the output writers and as strings for parsing.
/// Tables follow libnetfilter_conntrack 1.0.9 (src/conntrack/snprintf.c) so `-o conntrack` matches it.
/// </summary>
internal static class ConntrackNames
{
    /// <summary>Protocol name as conntrack prints it: "unknown" for numbers it has no name for.</summary>
    public static ReadOnlySpan<byte> ProtocolUtf8(byte protocol) => protocol switch
    {
        IpProtocols.Tcp => "tcp"u8,
        IpProtocols.Udp => "udp"u8,
        IpProtocols.UdpLite => "udplite"u8,
        IpProtocols.Icmp => "icmp"u8,
        IpProtocols.IcmpV6 => "icmpv6"u8,
        IpProtocols.Sctp => "sctp"u8,
        IpProtocols.Gre => "gre"u8,
        IpProtocols.Dccp => "dccp"u8,
        _ => "unknown"u8,
    };

    /// <summary>Protocol numbers by name, for -p/--proto; also the IANA names admins type.</summary>
    public static bool TryParseProtocol(string text, out byte protocol)
    {
        protocol = text.ToLowerInvariant() switch
        {
            "tcp" => IpProtocols.Tcp,
            "udp" => IpProtocols.Udp,
            "udplite" => IpProtocols.UdpLite,
            "icmp" => IpProtocols.Icmp,
            "icmpv6" or "ipv6-icmp" or "icmp6" => IpProtocols.IcmpV6,
            "sctp" => IpProtocols.Sctp,
            "gre" => IpProtocols.Gre,
            "dccp" => IpProtocols.Dccp,
            _ => 0,
        };
        if (protocol != 0)
        {
            return true;
        }

        return byte.TryParse(text, System.Globalization.NumberStyles.None, null, out protocol) && protocol != 0;
    }

    public static ReadOnlySpan<byte> FamilyUtf8(byte family) => family switch
    {
        AddressFamilies.Inet => "ipv4"u8,
        AddressFamilies.Inet6 => "ipv6"u8,
        _ => "unknown"u8,
    };

    // enum tcp_conntrack; index 9 is SYN_SENT2 (formerly LISTEN).
    private static readonly string[] s_tcpStates =
        ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"];

    // enum sctp_conntrack as the library of pyctd's era knows it.
    private static readonly string[] s_sctpStates =
        ["NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED"];

    private static readonly string[] s_dccpStates =
        ["NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID"];

    private static readonly byte[][] s_tcpStatesUtf8 = ToUtf8(s_tcpStates);
    private static readonly byte[][] s_sctpStatesUtf8 = ToUtf8(s_sctpStates);
    private static readonly byte[][] s_dccpStatesUtf8 = ToUtf8(s_dccpStates);

    public static ReadOnlySpan<byte> TcpStateUtf8(byte state) => s_tcpStatesUtf8[state < s_tcpStatesUtf8.Length ? state : 0];

    public static ReadOnlySpan<byte> SctpStateUtf8(byte state) => s_sctpStatesUtf8[state < s_sctpStatesUtf8.Length ? state : 0];

    public static ReadOnlySpan<byte> DccpStateUtf8(byte state) => s_dccpStatesUtf8[state < s_dccpStatesUtf8.Length ? state : 0];

    /// <summary>The protocol state's name, or empty for protocols without one (UDP, ICMP, ...).</summary>
    public static ReadOnlySpan<byte> StateUtf8(in ConntrackRecord record)
    {
        if (record.Has(RecordFields.TcpState))
        {
            return TcpStateUtf8(record.ProtocolState);
        }

        if (record.Has(RecordFields.SctpState))
        {
            return SctpStateUtf8(record.ProtocolState);
        }

        return record.Has(RecordFields.DccpState) ? DccpStateUtf8(record.ProtocolState) : default;
    }

    public static IReadOnlyList<string> TcpStates => s_tcpStates;

    public static IReadOnlyList<string> SctpStates => s_sctpStates;

    public static IReadOnlyList<string> DccpStates => s_dccpStates;

    /// <summary>IPS_* bit names (linux/netfilter/nf_conntrack_common.h), bit 0 first.</summary>
    private static readonly string[] s_statusFlags =
    [
        "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT", "SEQ_ADJUST", "SRC_NAT_DONE",
        "DST_NAT_DONE", "DYING", "FIXED_TIMEOUT", "TEMPLATE", "NAT_CLASH", "HELPER", "OFFLOAD", "HW_OFFLOAD",
    ];

    private static readonly byte[][] s_statusFlagsUtf8 = ToUtf8(s_statusFlags);

    public static IReadOnlyList<string> StatusFlags => s_statusFlags;

    public static int StatusFlagCount => s_statusFlags.Length;

    public static ReadOnlySpan<byte> StatusFlagUtf8(int bit) => s_statusFlagsUtf8[bit];

    public static bool TryParseStatusFlag(string name, out uint bit)
    {
        string upper = name.Trim().ToUpperInvariant();
        if (upper == "UNTRACKED")
        {
            upper = "NAT_CLASH"; // the same bit; the kernel renamed it once untracked entries left the table
        }

        int index = Array.IndexOf(s_statusFlags, upper);
        bit = index < 0 ? 0 : 1u << index;
        return index >= 0;
    }

    private static byte[][] ToUtf8(string[] names) =>
        Array.ConvertAll(names, static name => System.Text.Encoding.ASCII.GetBytes(name));
}
