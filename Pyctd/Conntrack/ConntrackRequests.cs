using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Pyctd.Interop;
using Nfct = Pyctd.Interop.Interop.NetfilterConntrack;

namespace Pyctd.Conntrack;

/// <summary>Builds ctnetlink requests; libnetfilter_conntrack writes what it knows how to, pyctd the rest.</summary>
internal static unsafe class ConntrackRequests
{
    public const int MaxDumpRequestLength = 512;

    /// <summary>Room for one delete or update: header, two tuples' worth of attributes, id, mark, mask, timeout.</summary>
    public const int MaxChangeRequestLength = 256;

    /// <summary>
    /// A DELETE, or an update (IPCTNL_MSG_CT_NEW without NLM_F_CREATE), aimed at exactly one entry:
    /// the entry's family, its full original tuple and zone (built by nfct_nlmsg_build), and its id.
    /// A DELETE without a tuple would flush the whole table, so one is never sent.
    /// </summary>
    public static int BuildChange(Span<byte> buffer, in ConntrackRecord record, in ConnectionChange change, uint sequence) =>
        Build(buffer, record, change.Kind == ChangeKind.Delete ? Netlink.IPCTNL_MSG_CT_DELETE : Netlink.IPCTNL_MSG_CT_NEW, change, sequence);

    /// <summary>An IPCTNL_MSG_CT_GET of exactly one entry (tuple, zone, id): the kernel answers with the entry as it is now.</summary>
    public static int BuildGet(Span<byte> buffer, in ConntrackRecord record, uint sequence) =>
        Build(buffer, record, Netlink.IPCTNL_MSG_CT_GET, ConnectionChange.Delete, sequence);

    private static int Build(Span<byte> buffer, in ConntrackRecord record, ushort type, in ConnectionChange change, uint sequence)
    {
        var message = new NetlinkMessageWriter(
            buffer, Netlink.CtMessage(type), Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, sequence, record.Family);

        using (SafeConntrackHandle ct = Nfct.nfct_new())
        {
            if (ct.IsInvalid)
            {
                throw new InsufficientMemoryException("nfct_new");
            }

            SetTuple(ct, record);
            switch (change.Kind)
            {
                case ChangeKind.Mark:
                    Nfct.nfct_set_attr_u32(ct, Nfct.ATTR_MARK, change.Value);
                    break;
                case ChangeKind.Timeout:
                case ChangeKind.FixedTimeout:
                    Nfct.nfct_set_attr_u32(ct, Nfct.ATTR_TIMEOUT, change.Value);
                    break;
            }

            fixed (byte* nlh = buffer)
            {
                if (Nfct.nfct_nlmsg_build(nlh, ct) != 0)
                {
                    throw NativeErrors.LastError("nfct_nlmsg_build");
                }
            }
        }

        // nfct_nlmsg_build never emits CTA_ID; with it a delete cannot hit a newer entry that reuses the tuple.
        message.PutBigEndianU32(Cta.ID, record.Id);
        if (change.Kind == ChangeKind.Mark && change.Mask != uint.MaxValue)
        {
            // The kernel computes (old AND NOT mask) XOR value; value was masked, so that is the OR we promise.
            message.PutBigEndianU32(Cta.MARK_MASK, change.Mask);
        }

        if (change.Kind == ChangeKind.FixedTimeout && type == Netlink.IPCTNL_MSG_CT_NEW)
        {
            // The kernel applies CTA_TIMEOUT before CTA_STATUS, so the new timeout is in place when
            // the bit freezes it. The bits it compares must be the entry's own (else EBUSY); the
            // caller re-reads the entry and retries when its record was older than the kernel's.
            uint status = (record.Status & ConntrackStatus.ComparedOnUpdate) | ConntrackStatus.Confirmed | ConntrackStatus.FixedTimeout;
            message.PutBigEndianU32(Cta.STATUS, status);
        }

        EnsureHasTuple(message.Message);
        return message.Length;
    }

    /// <summary>The original tuple and zones: what the kernel looks the entry up by.</summary>
    private static void SetTuple(SafeConntrackHandle ct, in ConntrackRecord record)
    {
        Nfct.nfct_set_attr_u8(ct, Nfct.ATTR_ORIG_L3PROTO, record.Family);
        Nfct.nfct_set_attr_u8(ct, Nfct.ATTR_ORIG_L4PROTO, record.Protocol);
        ReadOnlySpan<byte> source = record.Original.Source;
        ReadOnlySpan<byte> destination = record.Original.Destination;
        if (record.Family == AddressFamilies.Inet6)
        {
            fixed (byte* src = source, dst = destination)
            {
                Nfct.nfct_set_attr(ct, Nfct.ATTR_ORIG_IPV6_SRC, src);
                Nfct.nfct_set_attr(ct, Nfct.ATTR_ORIG_IPV6_DST, dst);
            }
        }
        else
        {
            // The library takes IPv4 addresses and ports in network order, as the kernel sent them.
            Nfct.nfct_set_attr_u32(ct, Nfct.ATTR_ORIG_IPV4_SRC, MemoryMarshal.Read<uint>(source));
            Nfct.nfct_set_attr_u32(ct, Nfct.ATTR_ORIG_IPV4_DST, MemoryMarshal.Read<uint>(destination));
        }

        if (IpProtocols.IsIcmp(record.Protocol))
        {
            Nfct.nfct_set_attr_u8(ct, Nfct.ATTR_ICMP_TYPE, record.Original.IcmpType);
            Nfct.nfct_set_attr_u8(ct, Nfct.ATTR_ICMP_CODE, record.Original.IcmpCode);
            Nfct.nfct_set_attr_u16(ct, Nfct.ATTR_ICMP_ID, BinaryPrimitives.ReverseEndianness(record.Original.IcmpId));
        }
        else if (IpProtocols.HasPorts(record.Protocol) || record.Protocol == IpProtocols.Gre)
        {
            Nfct.nfct_set_attr_u16(ct, Nfct.ATTR_ORIG_PORT_SRC, BinaryPrimitives.ReverseEndianness(record.Original.SourcePort));
            Nfct.nfct_set_attr_u16(ct, Nfct.ATTR_ORIG_PORT_DST, BinaryPrimitives.ReverseEndianness(record.Original.DestinationPort));
        }

        if (record.Has(RecordFields.OrigZone))
        {
            Nfct.nfct_set_attr_u16(ct, Nfct.ATTR_ORIG_ZONE, record.Original.Zone);
        }

        // The kernel looks the tuple up in this zone; without it an entry of zone 7 is "not found".
        if (record.Has(RecordFields.Zone))
        {
            Nfct.nfct_set_attr_u16(ct, Nfct.ATTR_ZONE, record.Zone);
        }
    }

    /// <summary>Last line of defence: a ctnetlink DELETE without CTA_TUPLE_ORIG flushes the table.</summary>
    internal static void EnsureHasTuple(ReadOnlySpan<byte> message)
    {
        if (!HasTuple(message))
        {
            throw new InvalidOperationException("refusing to send a conntrack request without the entry's tuple");
        }
    }

    private static bool HasTuple(ReadOnlySpan<byte> message)
    {
        if (message.Length < Netlink.HeaderLength + Netlink.NfgenHeaderLength)
        {
            return false;
        }

        var reader = new NetlinkAttributeReader(message[(Netlink.HeaderLength + Netlink.NfgenHeaderLength)..]);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            if (type == Cta.TUPLE_ORIG && payload.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The largest <see cref="BuildCount"/> request: the headers alone.</summary>
    public const int CountRequestLength = Netlink.HeaderLength + Netlink.NfgenHeaderLength;

    /// <summary>IPCTNL_MSG_CT_GET_STATS: the kernel's entry count of the socket's namespace, the number `conntrack -C` prints.</summary>
    public static int BuildCount(Span<byte> buffer, uint sequence) =>
        new NetlinkMessageWriter(buffer, Netlink.CtMessage(CtaStats.IPCTNL_MSG_CT_GET_STATS), Netlink.NLM_F_REQUEST, sequence, family: 0).Length;

    /// <summary>An IPCTNL_MSG_CT_GET dump request carrying every filter the kernel can apply itself.</summary>

    public static int BuildDump(Span<byte> buffer, in DumpQuery query, uint sequence)
    {
        var message = new NetlinkMessageWriter(
            buffer,
            Netlink.CtMessage(Netlink.IPCTNL_MSG_CT_GET),
            Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP,
            sequence,
            query.Family);

        if (query.Mark is not null || query.Status != 0)
        {
            AppendLibraryFilter(buffer, query);
        }

        if (query.UsesTupleFilter)
        {
            AppendTupleFilter(ref message, query);
        }

        return message.Length;
    }

    /// <summary>CTA_MARK/CTA_MARK_MASK and CTA_STATUS/CTA_STATUS_MASK through nfct_nlmsg_build_filter.</summary>
    private static void AppendLibraryFilter(Span<byte> buffer, in DumpQuery query)
    {
        using SafeFilterDumpHandle filter = Nfct.nfct_filter_dump_create();
        if (filter.IsInvalid)
        {
            throw new InsufficientMemoryException("nfct_filter_dump_create");
        }

        if (query.Mark is uint mark)
        {
            var value = new Nfct.nfct_filter_dump_mark { val = mark, mask = query.MarkMask };
            Nfct.nfct_filter_dump_set_attr(filter, Nfct.NFCT_FILTER_DUMP_MARK, &value);
        }

        if (query.Status != 0)
        {
            var value = new Nfct.nfct_filter_dump_mark { val = query.Status, mask = query.Status };
            Nfct.nfct_filter_dump_set_attr(filter, Nfct.NFCT_FILTER_DUMP_STATUS, &value);
        }

        fixed (byte* nlh = buffer)
        {
            Nfct.nfct_nlmsg_build_filter(nlh, filter);
        }
    }

    /// <summary>CTA_FILTER (Linux 5.8+) with the original tuple to compare against; the library has no builder for it.</summary>
    private static void AppendTupleFilter(ref NetlinkMessageWriter message, in DumpQuery query)
    {
        uint flags = 0;
        int tuple = message.BeginNest(Cta.TUPLE_ORIG);
        if (query.Source is not null || query.Destination is not null)
        {
            bool v6 = query.Family == AddressFamilies.Inet6;
            int ip = message.BeginNest(Cta.TUPLE_IP);
            if (query.Source is AddressBytes source)
            {
                message.Put(v6 ? Cta.IP_V6_SRC : Cta.IP_V4_SRC, ((ReadOnlySpan<byte>)source)[..(v6 ? 16 : 4)]);
                flags |= Cta.FILTER_FLAG_IP_SRC;
            }

            if (query.Destination is AddressBytes destination)
            {
                message.Put(v6 ? Cta.IP_V6_DST : Cta.IP_V4_DST, ((ReadOnlySpan<byte>)destination)[..(v6 ? 16 : 4)]);
                flags |= Cta.FILTER_FLAG_IP_DST;
            }

            message.EndNest(ip);
        }

        // Ports are only compared when the protocol is known: the kernel needs it to read them.
        if (query.Protocol is byte protocol)
        {
            int proto = message.BeginNest(Cta.TUPLE_PROTO);
            message.PutU8(Cta.PROTO_NUM, protocol);
            flags |= Cta.FILTER_FLAG_PROTO_NUM;
            if (IpProtocols.HasPorts(protocol))
            {
                if (query.SourcePort is ushort sport)
                {
                    message.PutBigEndianU16(Cta.PROTO_SRC_PORT, sport);
                    flags |= Cta.FILTER_FLAG_PROTO_SRC_PORT;
                }

                if (query.DestinationPort is ushort dport)
                {
                    message.PutBigEndianU16(Cta.PROTO_DST_PORT, dport);
                    flags |= Cta.FILTER_FLAG_PROTO_DST_PORT;
                }
            }

            message.EndNest(proto);
        }

        message.EndNest(tuple);

        int filter = message.BeginNest(Cta.FILTER);
        message.PutHostU32(Cta.FILTER_ORIG_FLAGS, flags);
        message.PutHostU32(Cta.FILTER_REPLY_FLAGS, 0);
        message.EndNest(filter);
    }
}
