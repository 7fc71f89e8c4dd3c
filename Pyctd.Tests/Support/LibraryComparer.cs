using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Pyctd.Conntrack;
using Pyctd.Interop;
using Pyctd.Output;
using static Pyctd.Interop.Interop.NetfilterConntrack;
using static Pyctd.Tests.Support.LibraryReference;

namespace Pyctd.Tests.Support;

/// <summary>
/// Parses each message twice, with pyctd's parser and with libnetfilter_conntrack's
/// (nfct_nlmsg_parse + nfct_get_attr_*), and formats it twice (ours and nfct_snprintf); records
/// every difference. A fresh library object per message: nothing stale can leak between entries.
/// </summary>
internal sealed unsafe class LibraryComparer : ConntrackDumper.IMessageHandler
{
    public int Compared { get; private set; }

    public List<string> Mismatches { get; } = [];

    public HashSet<byte> Protocols { get; } = [];

    public HashSet<byte> Families { get; } = [];

    public void Handle(ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> payload = message[Netlink.HeaderLength..];
        long before = WallClock.UnixSeconds();
        ConntrackMessageParser.Parse(payload[0], payload[Netlink.NfgenHeaderLength..], out ConntrackRecord ours);
        Protocols.Add(ours.Protocol);
        Families.Add(ours.Family);

        // A fresh library object per message: nothing stale can leak from an earlier entry.
        using (SafeConntrackHandle ct = nfct_new())
        {
            Assert.False(ct.IsInvalid);
            fixed (byte* nlh = message)
            {
                Assert.Equal(0, nfct_nlmsg_parse(nlh, ct));
            }

            var differences = new List<string>();
            CompareAttributes(ct, ours, differences);
            string libraryLine = LibraryLine(ct);
            long after = WallClock.UnixSeconds();
            if (libraryLine != OurLine(ours, before) && libraryLine != OurLine(ours, after))
            {
                differences.Add($"line: library '{libraryLine}' ours '{OurLine(ours, after)}'");
            }

            if (differences.Count > 0)
            {
                Mismatches.Add($"id {ours.Id}: {string.Join("; ", differences)}");
            }
        }

        Compared++;
    }

    private static string OurLine(in ConntrackRecord record, long now)
    {
        Span<byte> line = stackalloc byte[1024];
        return Encoding.ASCII.GetString(line[..ConntrackLineFormatter.Format(record, now, line)]);
    }

    private static string LibraryLine(SafeConntrackHandle ct)
    {
        byte* buffer = stackalloc byte[1024];
        int length = nfct_snprintf(buffer, 1024, ct, NFCT_T_UNKNOWN, NFCT_O_DEFAULT, 0);
        return Encoding.ASCII.GetString(buffer, length);
    }

    private static void CompareAttributes(SafeConntrackHandle ct, in ConntrackRecord ours, List<string> differences)
    {
        void Check<T>(string name, bool librarySet, bool oursSet, T library, T mine)
        {
            if (librarySet != oursSet)
            {
                differences.Add($"{name} set: library {librarySet} ours {oursSet}");
            }
            else if (librarySet && !EqualityComparer<T>.Default.Equals(library, mine))
            {
                differences.Add($"{name}: library {library} ours {mine}");
            }
        }

        bool IsSet(int attribute) => nfct_attr_is_set(ct, attribute) > 0;
        uint U32(int attribute) => nfct_get_attr_u32(ct, attribute);
        ushort Port(int attribute) => BinaryPrimitives.ReverseEndianness(nfct_get_attr_u16(ct, attribute));
        ulong U64(int attribute) => nfct_get_attr_u64(ct, attribute);

        Check("l3proto", IsSet(ATTR_ORIG_L3PROTO), true, nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO), ours.Family);
        Check("orig l4proto", IsSet(ATTR_ORIG_L4PROTO), true, nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO), ours.Original.Protocol);
        Check("repl l4proto", IsSet(ATTR_REPL_L4PROTO), true, nfct_get_attr_u8(ct, ATTR_REPL_L4PROTO), ours.Reply.Protocol);
        Check("id", IsSet(ATTR_ID), ours.Has(RecordFields.Id), U32(ATTR_ID), ours.Id);
        Check("status", IsSet(ATTR_STATUS), ours.Has(RecordFields.Status), U32(ATTR_STATUS), ours.Status);
        Check("timeout", IsSet(ATTR_TIMEOUT), ours.Has(RecordFields.Timeout), U32(ATTR_TIMEOUT), ours.Timeout);
        Check("mark", IsSet(ATTR_MARK), ours.Has(RecordFields.Mark), U32(ATTR_MARK), ours.Mark);
        Check("secmark", IsSet(ATTR_SECMARK), ours.Has(RecordFields.Secmark), U32(ATTR_SECMARK), ours.Secmark);
        Check("use", IsSet(ATTR_USE), ours.Has(RecordFields.Use), U32(ATTR_USE), ours.Use);
        Check("zone", IsSet(ATTR_ZONE), ours.Has(RecordFields.Zone), nfct_get_attr_u16(ct, ATTR_ZONE), ours.Zone);
        Check("orig zone", IsSet(ATTR_ORIG_ZONE), ours.Has(RecordFields.OrigZone), nfct_get_attr_u16(ct, ATTR_ORIG_ZONE), ours.Original.Zone);
        Check("repl zone", IsSet(ATTR_REPL_ZONE), ours.Has(RecordFields.ReplyZone), nfct_get_attr_u16(ct, ATTR_REPL_ZONE), ours.Reply.Zone);
        Check("tcp state", IsSet(ATTR_TCP_STATE), ours.Has(RecordFields.TcpState), nfct_get_attr_u8(ct, ATTR_TCP_STATE), ours.ProtocolState);
        Check("sctp state", IsSet(ATTR_SCTP_STATE), ours.Has(RecordFields.SctpState), nfct_get_attr_u8(ct, ATTR_SCTP_STATE), ours.ProtocolState);
        Check("dccp state", IsSet(ATTR_DCCP_STATE), ours.Has(RecordFields.DccpState), nfct_get_attr_u8(ct, ATTR_DCCP_STATE), ours.ProtocolState);
        Check("orig packets", IsSet(ATTR_ORIG_COUNTER_PACKETS), ours.Has(RecordFields.OrigCounters), U64(ATTR_ORIG_COUNTER_PACKETS), ours.OriginalCounters.Packets);
        Check("orig bytes", IsSet(ATTR_ORIG_COUNTER_BYTES), ours.Has(RecordFields.OrigCounters), U64(ATTR_ORIG_COUNTER_BYTES), ours.OriginalCounters.Bytes);
        Check("repl packets", IsSet(ATTR_REPL_COUNTER_PACKETS), ours.Has(RecordFields.ReplyCounters), U64(ATTR_REPL_COUNTER_PACKETS), ours.ReplyCounters.Packets);
        Check("repl bytes", IsSet(ATTR_REPL_COUNTER_BYTES), ours.Has(RecordFields.ReplyCounters), U64(ATTR_REPL_COUNTER_BYTES), ours.ReplyCounters.Bytes);
        Check("start", IsSet(ATTR_TIMESTAMP_START), ours.Has(RecordFields.TimestampStart), U64(ATTR_TIMESTAMP_START), ours.StartNanoseconds);
        Check("stop", IsSet(ATTR_TIMESTAMP_STOP), ours.Has(RecordFields.TimestampStop), U64(ATTR_TIMESTAMP_STOP), ours.StopNanoseconds);
        Check("secctx", IsSet(ATTR_SECCTX), ours.Has(RecordFields.SecurityContext), true, true);

        bool hasHelper = IsSet(ATTR_HELPER_NAME);
        Check("helper", hasHelper, ours.Has(RecordFields.Helper),
            hasHelper ? Marshal.PtrToStringUTF8((nint)nfct_get_attr(ct, ATTR_HELPER_NAME)) : null,
            Encoding.ASCII.GetString(ours.HelperName));

        bool hasLabels = IsSet(ATTR_CONNLABELS);
        Check("labels", hasLabels, ours.Has(RecordFields.Labels), hasLabels ? LibraryLabels(ct) : null, OurLabels(ours));

        if (ours.Family == AddressFamilies.Inet)
        {
            Check("orig src", IsSet(ATTR_ORIG_IPV4_SRC), true, U32(ATTR_ORIG_IPV4_SRC), MemoryMarshal.Read<uint>(ours.Original.Source));
            Check("orig dst", IsSet(ATTR_ORIG_IPV4_DST), true, U32(ATTR_ORIG_IPV4_DST), MemoryMarshal.Read<uint>(ours.Original.Destination));
            Check("repl src", IsSet(ATTR_REPL_IPV4_SRC), true, U32(ATTR_REPL_IPV4_SRC), MemoryMarshal.Read<uint>(ours.Reply.Source));
            Check("repl dst", IsSet(ATTR_REPL_IPV4_DST), true, U32(ATTR_REPL_IPV4_DST), MemoryMarshal.Read<uint>(ours.Reply.Destination));
        }
        else
        {
            Check("orig src6", IsSet(ATTR_ORIG_IPV6_SRC), true, V6(ct, ATTR_ORIG_IPV6_SRC), Convert.ToHexString(ours.Original.Source));
            Check("orig dst6", IsSet(ATTR_ORIG_IPV6_DST), true, V6(ct, ATTR_ORIG_IPV6_DST), Convert.ToHexString(ours.Original.Destination));
            Check("repl src6", IsSet(ATTR_REPL_IPV6_SRC), true, V6(ct, ATTR_REPL_IPV6_SRC), Convert.ToHexString(ours.Reply.Source));
            Check("repl dst6", IsSet(ATTR_REPL_IPV6_DST), true, V6(ct, ATTR_REPL_IPV6_DST), Convert.ToHexString(ours.Reply.Destination));
        }

        if (IpProtocols.IsIcmp(ours.Protocol))
        {
            Check("icmp type", IsSet(ATTR_ICMP_TYPE), true, nfct_get_attr_u8(ct, ATTR_ICMP_TYPE), ours.Original.IcmpType);
            Check("icmp code", IsSet(ATTR_ICMP_CODE), true, nfct_get_attr_u8(ct, ATTR_ICMP_CODE), ours.Original.IcmpCode);
            Check("icmp id", IsSet(ATTR_ICMP_ID), true, Port(ATTR_ICMP_ID), ours.Original.IcmpId);
        }
        else if (IpProtocols.HasPorts(ours.Protocol) || ours.Protocol == IpProtocols.Gre)
        {
            // Where the kernel sent no port (a DCCP entry without ports) both must read as 0.
            Check("orig sport", true, true, Port(ATTR_ORIG_PORT_SRC), ours.Original.SourcePort);
            Check("orig dport", true, true, Port(ATTR_ORIG_PORT_DST), ours.Original.DestinationPort);
            Check("repl sport", true, true, Port(ATTR_REPL_PORT_SRC), ours.Reply.SourcePort);
            Check("repl dport", true, true, Port(ATTR_REPL_PORT_DST), ours.Reply.DestinationPort);
        }
    }

    private static string V6(SafeConntrackHandle ct, int attribute) => Convert.ToHexString(new ReadOnlySpan<byte>(nfct_get_attr(ct, attribute), 16));

    private static string LibraryLabels(SafeConntrackHandle ct)
    {
        void* bitmask = nfct_get_attr(ct, ATTR_CONNLABELS);
        uint max = nfct_bitmask_maxbit(bitmask);
        var bits = new List<uint>();
        for (uint bit = 0; bit <= max && bit < 128; bit++)
        {
            if (nfct_bitmask_test_bit(bitmask, bit) != 0)
            {
                bits.Add(bit);
            }
        }

        return string.Join(',', bits);
    }

    private static string OurLabels(in ConntrackRecord record)
    {
        ReadOnlySpan<byte> labels = record.Labels;
        var bits = new List<int>();
        for (int bit = 0; bit < 128; bit++)
        {
            if ((labels[bit >> 3] & (1 << (bit & 7))) != 0)
            {
                bits.Add(bit);
            }
        }

        return string.Join(',', bits);
    }
}
