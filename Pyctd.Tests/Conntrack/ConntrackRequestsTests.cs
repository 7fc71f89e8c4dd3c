using System.Buffers.Binary;
using Pyctd.Conntrack;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Conntrack;

/// <summary>
/// The exact bytes of the requests kill, mark and timeout send, without a kernel. Integers in
/// nlmsghdr and nlattr headers are host order (little-endian here); ctnetlink payloads are
/// big-endian. Attributes are padded to 4 bytes; nla_len counts the header and payload, not the padding.
/// </summary>
public sealed class ConntrackRequestsTests
{
    private const uint Sequence = 1;

    // IPv4 TCP 192.168.1.10:40000 -> 10.0.0.1:443 in zone 7, id 0x11223344.
    private static readonly byte[] s_ipv4TcpTuple =
    [
        0x34, 0x00, 0x01, 0x80,                                 // CTA_TUPLE_ORIG | NLA_F_NESTED, nla_len 52
        0x14, 0x00, 0x01, 0x80,                                 //   CTA_TUPLE_IP | NLA_F_NESTED, nla_len 20
        0x08, 0x00, 0x01, 0x00, 0xc0, 0xa8, 0x01, 0x0a,         //     CTA_IP_V4_SRC 192.168.1.10
        0x08, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x01,         //     CTA_IP_V4_DST 10.0.0.1
        0x1c, 0x00, 0x02, 0x80,                                 //   CTA_TUPLE_PROTO | NLA_F_NESTED, nla_len 28
        0x05, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00,         //     CTA_PROTO_NUM 6 (TCP), 3 bytes padding
        0x06, 0x00, 0x02, 0x00, 0x9c, 0x40, 0x00, 0x00,         //     CTA_PROTO_SRC_PORT 40000, 2 bytes padding
        0x06, 0x00, 0x03, 0x00, 0x01, 0xbb, 0x00, 0x00,         //     CTA_PROTO_DST_PORT 443, 2 bytes padding
    ];

    private static readonly byte[] s_zone7 =
    [
        0x06, 0x00, 0x12, 0x00, 0x00, 0x07, 0x00, 0x00,         // CTA_ZONE 7: the kernel looks the tuple up in this zone
    ];

    private static readonly byte[] s_ipv4TcpId =
    [
        0x08, 0x00, 0x0c, 0x00, 0x11, 0x22, 0x33, 0x44,         // CTA_ID 0x11223344
    ];

    // IPv6 UDP [fd00::1]:5353 -> [fd00::2:3]:53, no zone, id 4,000,000,000 (beyond a signed int).
    private static readonly byte[] s_ipv6UdpTuple =
    [
        0x4c, 0x00, 0x01, 0x80,                                 // CTA_TUPLE_ORIG | NLA_F_NESTED, nla_len 76
        0x2c, 0x00, 0x01, 0x80,                                 //   CTA_TUPLE_IP | NLA_F_NESTED, nla_len 44
        0x14, 0x00, 0x03, 0x00,                                 //     CTA_IP_V6_SRC fd00::1
        0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
        0x14, 0x00, 0x04, 0x00,                                 //     CTA_IP_V6_DST fd00::2:3
        0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x03,
        0x1c, 0x00, 0x02, 0x80,                                 //   CTA_TUPLE_PROTO | NLA_F_NESTED, nla_len 28
        0x05, 0x00, 0x01, 0x00, 0x11, 0x00, 0x00, 0x00,         //     CTA_PROTO_NUM 17 (UDP)
        0x06, 0x00, 0x02, 0x00, 0x14, 0xe9, 0x00, 0x00,         //     CTA_PROTO_SRC_PORT 5353
        0x06, 0x00, 0x03, 0x00, 0x00, 0x35, 0x00, 0x00,         //     CTA_PROTO_DST_PORT 53
    ];

    private static readonly byte[] s_ipv6UdpId =
    [
        0x08, 0x00, 0x0c, 0x00, 0xee, 0x6b, 0x28, 0x00,         // CTA_ID 4000000000
    ];

    // IPv4 ICMP echo request 10.1.2.3 -> 10.4.5.6, type 8 code 0 id 0x1234, id 7.
    private static readonly byte[] s_icmpTuple =
    [
        0x3c, 0x00, 0x01, 0x80,                                 // CTA_TUPLE_ORIG | NLA_F_NESTED, nla_len 60
        0x14, 0x00, 0x01, 0x80,                                 //   CTA_TUPLE_IP | NLA_F_NESTED, nla_len 20
        0x08, 0x00, 0x01, 0x00, 0x0a, 0x01, 0x02, 0x03,         //     CTA_IP_V4_SRC 10.1.2.3
        0x08, 0x00, 0x02, 0x00, 0x0a, 0x04, 0x05, 0x06,         //     CTA_IP_V4_DST 10.4.5.6
        0x24, 0x00, 0x02, 0x80,                                 //   CTA_TUPLE_PROTO | NLA_F_NESTED, nla_len 36
        0x05, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,         //     CTA_PROTO_NUM 1 (ICMP)
        0x05, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,         //     CTA_PROTO_ICMP_CODE 0
        0x05, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00,         //     CTA_PROTO_ICMP_TYPE 8 (echo request)
        0x06, 0x00, 0x04, 0x00, 0x12, 0x34, 0x00, 0x00,         //     CTA_PROTO_ICMP_ID 0x1234
    ];

    private static readonly byte[] s_icmpId =
    [
        0x08, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x07,         // CTA_ID 7
    ];

    private static readonly byte[] s_timeout120 =
    [
        0x08, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x78,         // CTA_TIMEOUT 120 seconds
    ];

    [Fact]
    public void Delete_Ipv4TcpInZone7_IsExactlyTheseBytes() => AssertBytes(Ipv4TcpInZone7(), ConnectionChange.Delete,
    [
        0x58, 0x00, 0x00, 0x00, 0x02, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 88, type 0x0102 (CTNETLINK, IPCTNL_MSG_CT_DELETE),
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   flags NLM_F_REQUEST | NLM_F_ACK, seq 1, pid 0
        0x02, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET, NFNETLINK_V0, res_id 0
        .. s_ipv4TcpTuple, .. s_zone7, .. s_ipv4TcpId,
    ]);

    [Fact]
    public void MaskedMark_Ipv4TcpInZone7_IsExactlyTheseBytes() => AssertBytes(Ipv4TcpInZone7(), ConnectionChange.SetMark(0x10, 0xf0),
    [
        0x68, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 104, type 0x0100 (CTNETLINK, IPCTNL_MSG_CT_NEW without NLM_F_CREATE: an update),
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   flags NLM_F_REQUEST | NLM_F_ACK, seq 1, pid 0
        0x02, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET
        .. s_ipv4TcpTuple,
        0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x10,         // CTA_MARK 0x10
        .. s_zone7, .. s_ipv4TcpId,
        0x08, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0xf0,         // CTA_MARK_MASK 0xf0: the kernel keeps the other bits
    ]);

    [Fact]
    public void Timeout_Ipv4TcpInZone7_IsExactlyTheseBytes() => AssertBytes(Ipv4TcpInZone7(), ConnectionChange.SetTimeout(120),
    [
        0x60, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 96, type 0x0100 (update), flags REQUEST | ACK,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   seq 1, pid 0
        0x02, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET
        .. s_ipv4TcpTuple, .. s_timeout120, .. s_zone7, .. s_ipv4TcpId,
    ]);

    [Fact]
    public void Delete_Ipv6Udp_IsExactlyTheseBytes() => AssertBytes(Ipv6Udp(), ConnectionChange.Delete,
    [
        0x68, 0x00, 0x00, 0x00, 0x02, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 104, type 0x0102 (delete), flags REQUEST | ACK,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   seq 1, pid 0
        0x0a, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET6
        .. s_ipv6UdpTuple, .. s_ipv6UdpId,
    ]);

    [Fact]
    public void FullMark_Ipv6Udp_IsExactlyTheseBytes_WithoutAMask() => AssertBytes(Ipv6Udp(), ConnectionChange.SetMark(0xdeadbeef, uint.MaxValue),
    [
        0x70, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 112, type 0x0100 (update), flags REQUEST | ACK,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   seq 1, pid 0
        0x0a, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET6
        .. s_ipv6UdpTuple,
        0x08, 0x00, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef,         // CTA_MARK 0xdeadbeef; no CTA_MARK_MASK: all 32 bits are replaced
        .. s_ipv6UdpId,
    ]);

    [Fact]
    public void Timeout_Ipv6Udp_IsExactlyTheseBytes() => AssertBytes(Ipv6Udp(), ConnectionChange.SetTimeout(120),
    [
        0x70, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 112, type 0x0100 (update), flags REQUEST | ACK,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   seq 1, pid 0
        0x0a, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET6
        .. s_ipv6UdpTuple, .. s_timeout120, .. s_ipv6UdpId,
    ]);

    [Fact]
    public void Delete_Icmp_IsExactlyTheseBytes() => AssertBytes(Icmp(), ConnectionChange.Delete,
    [
        0x58, 0x00, 0x00, 0x00, 0x02, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 88, type 0x0102 (delete), flags REQUEST | ACK,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   seq 1, pid 0
        0x02, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET
        .. s_icmpTuple, .. s_icmpId,
    ]);

    [Fact]
    public void MaskedMark_Icmp_IsExactlyTheseBytes_WithTheValueMasked() => AssertBytes(Icmp(), ConnectionChange.SetMark(0x1234, 0xff00),
    [
        0x68, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 104, type 0x0100 (update), flags REQUEST | ACK,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   seq 1, pid 0
        0x02, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET
        .. s_icmpTuple,
        0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x12, 0x00,         // CTA_MARK 0x1200: 0x1234 AND the mask
        .. s_icmpId,
        0x08, 0x00, 0x15, 0x00, 0x00, 0x00, 0xff, 0x00,         // CTA_MARK_MASK 0xff00
    ]);

    [Fact]
    public void Timeout_Icmp_IsExactlyTheseBytes() => AssertBytes(Icmp(), ConnectionChange.SetTimeout(120),
    [
        0x60, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00,         // nlmsghdr: nlmsg_len 96, type 0x0100 (update), flags REQUEST | ACK,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         //   seq 1, pid 0
        0x02, 0x00, 0x00, 0x00,                                 // nfgenmsg: AF_INET
        .. s_icmpTuple, .. s_timeout120, .. s_icmpId,
    ]);

    public static TheoryData<string, string> EveryChangeOfEveryEntry()
    {
        var data = new TheoryData<string, string>();
        foreach (string entry in (string[])["ipv4-tcp-zone7", "ipv6-udp", "icmp"])
        {
            foreach (string change in (string[])["delete", "masked-mark", "full-mark", "timeout"])
            {
                data.Add(entry, change);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryChangeOfEveryEntry))]
    public void BuildChange_AnyEntryAndChange_CarriesTheTupleAndTheIdAndTheMaskWhenMasked(string entry, string changeName)
    {
        ConntrackRecord record = entry switch
        {
            "ipv4-tcp-zone7" => Ipv4TcpInZone7(),
            "ipv6-udp" => Ipv6Udp(),
            _ => Icmp(),
        };
        ConnectionChange change = changeName switch
        {
            "delete" => ConnectionChange.Delete,
            "masked-mark" => ConnectionChange.SetMark(0x10, 0xf0),
            "full-mark" => ConnectionChange.SetMark(0x10, uint.MaxValue),
            _ => ConnectionChange.SetTimeout(120),
        };

        Dictionary<ushort, byte[]> attributes = TopLevelAttributes(Build(record, change));

        Assert.True(attributes.ContainsKey(Cta.TUPLE_ORIG), "no CTA_TUPLE_ORIG");
        Assert.Equal(record.Id, BinaryPrimitives.ReadUInt32BigEndian(attributes[Cta.ID]));
        Assert.Equal(changeName == "masked-mark", attributes.ContainsKey(Cta.MARK_MASK));
        if (attributes.TryGetValue(Cta.MARK_MASK, out byte[]? mask))
        {
            Assert.Equal(0xf0u, BinaryPrimitives.ReadUInt32BigEndian(mask));
        }
    }

    [Fact]
    public void EnsureHasTuple_DeleteWithOnlyAnId_IsRefused()
    {
        var buffer = new byte[64];
        var message = new NetlinkMessageWriter(buffer, Netlink.CtMessage(Netlink.IPCTNL_MSG_CT_DELETE), Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, Sequence, AddressFamilies.Inet);
        message.PutBigEndianU32(Cta.ID, 42);
        byte[] request = buffer[..message.Length];

        Assert.Throws<InvalidOperationException>(() => ConntrackRequests.EnsureHasTuple(request));
    }

    [Fact]
    public void EnsureHasTuple_EmptyOriginalTuple_IsRefused()
    {
        var buffer = new byte[64];
        var message = new NetlinkMessageWriter(buffer, Netlink.CtMessage(Netlink.IPCTNL_MSG_CT_DELETE), Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, Sequence, AddressFamilies.Inet);
        message.EndNest(message.BeginNest(Cta.TUPLE_ORIG));
        message.PutBigEndianU32(Cta.ID, 42);
        byte[] request = buffer[..message.Length];

        Assert.Throws<InvalidOperationException>(() => ConntrackRequests.EnsureHasTuple(request));
    }

    [Fact]
    public void EnsureHasTuple_TupleBehindAMalformedAttribute_IsRefused()
    {
        byte[] request = Build(Ipv4TcpInZone7(), ConnectionChange.Delete);
        request[Netlink.HeaderLength + Netlink.NfgenHeaderLength] = 0; // CTA_TUPLE_ORIG's nla_len: 52 becomes 0

        Assert.Throws<InvalidOperationException>(() => ConntrackRequests.EnsureHasTuple(request));
    }

    [Fact]
    public void EnsureHasTuple_HeaderOnly_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() => ConntrackRequests.EnsureHasTuple(new byte[Netlink.HeaderLength]));

    [Fact]
    public void EnsureHasTuple_EveryBuiltDelete_IsAccepted()
    {
        foreach (ConntrackRecord record in (ConntrackRecord[])[Ipv4TcpInZone7(), Ipv6Udp(), Icmp()])
        {
            ConntrackRequests.EnsureHasTuple(Build(record, ConnectionChange.Delete));
        }
    }

    private static ConntrackRecord Ipv4TcpInZone7()
    {
        ConntrackRecord record = Records.Tcp("192.168.1.10", 40000, "10.0.0.1", 443);
        record.Id = 0x11223344;
        record.Zone = 7;
        record.Fields |= RecordFields.Zone;
        return record;
    }

    private static ConntrackRecord Ipv6Udp()
    {
        ConntrackRecord record = Records.Flow(IpProtocols.Udp, "fd00::1", 5353, "fd00::2:3", 53);
        record.Id = 4_000_000_000;
        return record;
    }

    private static ConntrackRecord Icmp()
    {
        ConntrackRecord record = Records.Flow(IpProtocols.Icmp, "10.1.2.3", 0, "10.4.5.6", 0);
        record.Id = 7;
        record.Original.IcmpType = 8;
        record.Original.IcmpCode = 0;
        record.Original.IcmpId = 0x1234;
        return record;
    }

    private static byte[] Build(in ConntrackRecord record, in ConnectionChange change)
    {
        var buffer = new byte[ConntrackRequests.MaxChangeRequestLength];
        return buffer[..ConntrackRequests.BuildChange(buffer, record, change, Sequence)];
    }

    private static void AssertBytes(in ConntrackRecord record, in ConnectionChange change, byte[] expected) =>
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(Build(record, change)));

    private static Dictionary<ushort, byte[]> TopLevelAttributes(byte[] request)
    {
        var attributes = new Dictionary<ushort, byte[]>();
        var reader = new NetlinkAttributeReader(request.AsSpan(Netlink.HeaderLength + Netlink.NfgenHeaderLength));
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            attributes.Add(type, payload.ToArray());
        }

        Assert.False(reader.Malformed);
        return attributes;
    }
}
