using Pyctd.Conntrack;
using Pyctd.Filtering;

namespace Pyctd.Interop;

/// <summary>Builds ctnetlink requests; libnetfilter_conntrack writes what it knows how to, pyctd the rest.</summary>
internal static unsafe class ConntrackRequests
{
    public const int MaxDumpRequestLength = 512;

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
        nint filter = Interop.NetfilterConntrack.nfct_filter_dump_create();
        if (filter == 0)
        {
            throw new OutOfMemoryException("nfct_filter_dump_create");
        }

        try
        {
            if (query.Mark is uint mark)
            {
                var value = new Interop.NetfilterConntrack.nfct_filter_dump_mark { val = mark, mask = query.MarkMask };
                Interop.NetfilterConntrack.nfct_filter_dump_set_attr(filter, Interop.NetfilterConntrack.NFCT_FILTER_DUMP_MARK, &value);
            }

            if (query.Status != 0)
            {
                var value = new Interop.NetfilterConntrack.nfct_filter_dump_mark { val = query.Status, mask = query.Status };
                Interop.NetfilterConntrack.nfct_filter_dump_set_attr(filter, Interop.NetfilterConntrack.NFCT_FILTER_DUMP_STATUS, &value);
            }

            fixed (byte* nlh = buffer)
            {
                Interop.NetfilterConntrack.nfct_nlmsg_build_filter(nlh, filter);
            }
        }
        finally
        {
            Interop.NetfilterConntrack.nfct_filter_dump_destroy(filter);
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
            if (query.Source is AddressPrefix source)
            {
                message.Put(v6 ? Cta.IP_V6_SRC : Cta.IP_V4_SRC, source.Bytes);
                flags |= Cta.FILTER_FLAG_IP_SRC;
            }

            if (query.Destination is AddressPrefix destination)
            {
                message.Put(v6 ? Cta.IP_V6_DST : Cta.IP_V4_DST, destination.Bytes);
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
