using System.Buffers.Binary;

namespace Pyctd.Conntrack;

/// <summary>
/// Turns one ctnetlink IPCTNL_MSG_CT_NEW payload into a <see cref="ConntrackRecord"/> without
/// allocating. It mirrors what libnetfilter_conntrack's nfct_nlmsg_parse sets, attribute for attribute;
/// a differential test over the lab table holds it to that. Attributes too short for their type are
/// skipped rather than read past.
/// </summary>
internal static class ConntrackMessageParser
{
    /// <param name="family">nfgenmsg.nfgen_family of the message.</param>
    /// <param name="attributes">Everything after struct nfgenmsg.</param>
    /// <param name="record">Overwritten completely; no stale field survives from an earlier entry.</param>
    public static void Parse(byte family, ReadOnlySpan<byte> attributes, out ConntrackRecord record)
    {
        record = default;
        record.Family = family;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            switch (type)
            {
                case Cta.TUPLE_ORIG:
                    ParseTuple(payload, ref record.Original, ref record, RecordFields.OrigZone);
                    break;
                case Cta.TUPLE_REPLY:
                    ParseTuple(payload, ref record.Reply, ref record, RecordFields.ReplyZone);
                    break;
                case Cta.STATUS when TryReadUInt32(payload, out uint status):
                    record.Status = status;
                    record.Fields |= RecordFields.Status;
                    break;
                case Cta.PROTOINFO:
                    ParseProtocolInfo(payload, ref record);
                    break;
                case Cta.HELP:
                    ParseHelper(payload, ref record);
                    break;
                case Cta.TIMEOUT when TryReadUInt32(payload, out uint timeout):
                    record.Timeout = timeout;
                    record.Fields |= RecordFields.Timeout;
                    break;
                case Cta.MARK when TryReadUInt32(payload, out uint mark):
                    record.Mark = mark;
                    record.Fields |= RecordFields.Mark;
                    break;
                case Cta.COUNTERS_ORIG:
                    ParseCounters(payload, ref record.OriginalCounters, ref record, RecordFields.OrigCounters);
                    break;
                case Cta.COUNTERS_REPLY:
                    ParseCounters(payload, ref record.ReplyCounters, ref record, RecordFields.ReplyCounters);
                    break;
                case Cta.USE when TryReadUInt32(payload, out uint use):
                    record.Use = use;
                    record.Fields |= RecordFields.Use;
                    break;
                case Cta.ID when TryReadUInt32(payload, out uint id):
                    record.Id = id;
                    record.Fields |= RecordFields.Id;
                    break;
                case Cta.SECMARK when TryReadUInt32(payload, out uint secmark):
                    record.Secmark = secmark;
                    record.Fields |= RecordFields.Secmark;
                    break;
                case Cta.ZONE when payload.Length >= 2:
                    record.Zone = BinaryPrimitives.ReadUInt16BigEndian(payload);
                    record.Fields |= RecordFields.Zone;
                    break;
                case Cta.SECCTX:
                    record.Fields |= RecordFields.SecurityContext;
                    break;
                case Cta.TIMESTAMP:
                    ParseTimestamp(payload, ref record);
                    break;
                case Cta.LABELS when payload.Length > 0:
                    // Like the library: an empty label attribute means no labels at all.
                    payload[..Math.Min(payload.Length, 16)].CopyTo(record.Labels);
                    record.Fields |= RecordFields.Labels;
                    break;
            }
        }

        record.Protocol = record.Original.Protocol;
    }

    private static void ParseTuple(ReadOnlySpan<byte> nest, ref ConntrackTuple tuple, ref ConntrackRecord record, RecordFields zoneField)
    {
        var reader = new NetlinkAttributeReader(nest);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            switch (type)
            {
                case Cta.TUPLE_IP:
                    ParseAddresses(payload, ref tuple);
                    break;
                case Cta.TUPLE_PROTO:
                    // Only the original tuple's ports are filtered on; an entry without them (DCCP since
                    // Linux 6.16 dropped its tracker) must not match a port filter as if they were 0.
                    if (ParseProtocol(payload, ref tuple) && zoneField == RecordFields.OrigZone)
                    {
                        record.Fields |= RecordFields.Ports;
                    }

                    break;
                case Cta.TUPLE_ZONE when payload.Length >= 2:
                    tuple.Zone = BinaryPrimitives.ReadUInt16BigEndian(payload);
                    record.Fields |= zoneField;
                    break;
            }
        }
    }

    private static void ParseAddresses(ReadOnlySpan<byte> nest, ref ConntrackTuple tuple)
    {
        var reader = new NetlinkAttributeReader(nest);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            switch (type)
            {
                case Cta.IP_V4_SRC when payload.Length >= 4:
                    payload[..4].CopyTo(tuple.Source);
                    break;
                case Cta.IP_V4_DST when payload.Length >= 4:
                    payload[..4].CopyTo(tuple.Destination);
                    break;
                case Cta.IP_V6_SRC when payload.Length >= 16:
                    payload[..16].CopyTo(tuple.Source);
                    break;
                case Cta.IP_V6_DST when payload.Length >= 16:
                    payload[..16].CopyTo(tuple.Destination);
                    break;
            }
        }
    }

    /// <summary>Returns whether the tuple carried a port.</summary>
    private static bool ParseProtocol(ReadOnlySpan<byte> nest, ref ConntrackTuple tuple)
    {
        bool ports = false;
        var reader = new NetlinkAttributeReader(nest);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            if (payload.IsEmpty)
            {
                continue;
            }

            switch (type)
            {
                case Cta.PROTO_NUM:
                    tuple.Protocol = payload[0];
                    break;
                case Cta.PROTO_SRC_PORT when payload.Length >= 2:
                    tuple.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(payload);
                    ports = true;
                    break;
                case Cta.PROTO_DST_PORT when payload.Length >= 2:
                    tuple.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(payload);
                    ports = true;
                    break;
                case Cta.PROTO_ICMP_ID or Cta.PROTO_ICMPV6_ID when payload.Length >= 2:
                    tuple.IcmpId = BinaryPrimitives.ReadUInt16BigEndian(payload);
                    break;
                case Cta.PROTO_ICMP_TYPE or Cta.PROTO_ICMPV6_TYPE:
                    tuple.IcmpType = payload[0];
                    break;
                case Cta.PROTO_ICMP_CODE or Cta.PROTO_ICMPV6_CODE:
                    tuple.IcmpCode = payload[0];
                    break;
            }
        }

        return ports;
    }

    private static void ParseProtocolInfo(ReadOnlySpan<byte> nest, ref ConntrackRecord record)
    {
        var reader = new NetlinkAttributeReader(nest);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            RecordFields stateField = type switch
            {
                Cta.PROTOINFO_TCP => RecordFields.TcpState,
                Cta.PROTOINFO_SCTP => RecordFields.SctpState,
                Cta.PROTOINFO_DCCP => RecordFields.DccpState,
                _ => RecordFields.None,
            };
            if (stateField == RecordFields.None)
            {
                continue;
            }

            var inner = new NetlinkAttributeReader(payload);
            while (inner.TryRead(out ushort innerType, out ReadOnlySpan<byte> value))
            {
                if (innerType == Cta.PROTOINFO_STATE && !value.IsEmpty)
                {
                    record.ProtocolState = value[0];
                    record.Fields |= stateField;
                }
            }
        }
    }

    private static void ParseCounters(ReadOnlySpan<byte> nest, ref Counters counters, ref ConntrackRecord record, RecordFields field)
    {
        // Old kernels sent 32-bit counters; where both exist the 64-bit ones win, as in the library.
        bool packets64 = false, bytes64 = false, any = false;
        var reader = new NetlinkAttributeReader(nest);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            switch (type)
            {
                case Cta.COUNTERS_PACKETS when payload.Length >= 8:
                    counters.Packets = BinaryPrimitives.ReadUInt64BigEndian(payload);
                    packets64 = any = true;
                    break;
                case Cta.COUNTERS_BYTES when payload.Length >= 8:
                    counters.Bytes = BinaryPrimitives.ReadUInt64BigEndian(payload);
                    bytes64 = any = true;
                    break;
                case Cta.COUNTERS32_PACKETS when !packets64 && payload.Length >= 4:
                    counters.Packets = BinaryPrimitives.ReadUInt32BigEndian(payload);
                    any = true;
                    break;
                case Cta.COUNTERS32_BYTES when !bytes64 && payload.Length >= 4:
                    counters.Bytes = BinaryPrimitives.ReadUInt32BigEndian(payload);
                    any = true;
                    break;
            }
        }

        if (any)
        {
            record.Fields |= field;
        }
    }

    private static void ParseHelper(ReadOnlySpan<byte> nest, ref ConntrackRecord record)
    {
        var reader = new NetlinkAttributeReader(nest);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            if (type != Cta.HELP_NAME)
            {
                continue;
            }

            // strncpy into a 16-byte field whose last byte is forced to NUL, as the library does.
            int nul = payload.IndexOf((byte)0);
            ReadOnlySpan<byte> name = nul < 0 ? payload : payload[..nul];
            Span<byte> destination = record.Helper;
            destination.Clear();
            name[..Math.Min(name.Length, destination.Length - 1)].CopyTo(destination);
            record.Fields |= RecordFields.Helper;
        }
    }

    private static void ParseTimestamp(ReadOnlySpan<byte> nest, ref ConntrackRecord record)
    {
        var reader = new NetlinkAttributeReader(nest);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            switch (type)
            {
                case Cta.TIMESTAMP_START when payload.Length >= 8:
                    record.StartNanoseconds = BinaryPrimitives.ReadUInt64BigEndian(payload);
                    record.Fields |= RecordFields.TimestampStart;
                    break;
                case Cta.TIMESTAMP_STOP when payload.Length >= 8:
                    record.StopNanoseconds = BinaryPrimitives.ReadUInt64BigEndian(payload);
                    record.Fields |= RecordFields.TimestampStop;
                    break;
            }
        }
    }

    private static bool TryReadUInt32(ReadOnlySpan<byte> payload, out uint value)
    {
        if (payload.Length >= 4)
        {
            value = BinaryPrimitives.ReadUInt32BigEndian(payload);
            return true;
        }

        value = 0;
        return false;
    }
}
