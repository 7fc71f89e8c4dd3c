using Pyctd.Conntrack;

namespace Pyctd.Tests.Support;

/// <summary>What <see cref="DatagramWalk"/> found in one datagram; the attribute facts are the first parsed message's.</summary>
internal sealed record DatagramReport(
    int Messages,
    bool DatagramMalformed,
    int? FirstErrno,
    bool Parsed,
    bool AttributesMalformed,
    bool NestsMalformed,
    ConntrackRecord Record);

/// <summary>
/// Reads a datagram as pyctd does (NetlinkMessageReader, then ConntrackMessageParser for each
/// IPCTNL_MSG_CT_NEW with a nfgenmsg) and also walks every attribute and every ctnetlink nest with
/// NetlinkAttributeReader, to see where the readers report Malformed. Checks on the way that every
/// span a reader hands out lies inside the one it was reading.
/// </summary>
internal static class DatagramWalk
{
    /// <summary>Which attributes are nests, and what their members are.</summary>
    private enum Level
    {
        /// <summary>The attributes after nfgenmsg.</summary>
        Top,

        /// <summary>Inside CTA_TUPLE_ORIG/CTA_TUPLE_REPLY: CTA_TUPLE_IP and CTA_TUPLE_PROTO are nests.</summary>
        Tuple,

        /// <summary>Inside CTA_PROTOINFO: every member (TCP, DCCP, SCTP) is a nest.</summary>
        ProtocolInfo,

        /// <summary>A nest whose members are all plain values.</summary>
        Values,
    }

    public static DatagramReport Walk(ReadOnlySpan<byte> datagram)
    {
        var reader = new NetlinkMessageReader(datagram);
        int messages = 0;
        int? firstErrno = null;
        bool parsed = false, attributesMalformed = false, nestsMalformed = false;
        ConntrackRecord first = default;
        while (reader.TryRead(out NetlinkMessage message))
        {
            AssertInside(datagram, message.Bytes);
            messages++;
            if (message.Type == Netlink.NLMSG_ERROR)
            {
                firstErrno ??= message.Errno;
                continue;
            }

            if (message.Type != Netlink.CtMessage(Netlink.IPCTNL_MSG_CT_NEW) || message.Payload.Length < Netlink.NfgenHeaderLength)
            {
                continue;
            }

            ReadOnlySpan<byte> attributes = message.Payload[Netlink.NfgenHeaderLength..];
            ConntrackMessageParser.Parse(message.Payload[0], attributes, out ConntrackRecord record);
            bool nested = false;
            bool top = WalkAttributes(attributes, Level.Top, ref nested);
            if (!parsed)
            {
                (parsed, first, attributesMalformed, nestsMalformed) = (true, record, top, nested);
            }
        }

        return new DatagramReport(messages, reader.Malformed, firstErrno, parsed, attributesMalformed, nestsMalformed, first);
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every attribute header the schema walk reaches in
    /// <paramref name="attributes"/>: its offset, where its run ends, and whether it is a top-level one.
    /// </summary>
    public static void Headers(ReadOnlySpan<byte> attributes, Action<int, int, bool> visit) => Headers(attributes, 0, Level.Top, visit);

    private static void Headers(ReadOnlySpan<byte> run, int start, Level level, Action<int, int, bool> visit)
    {
        var reader = new NetlinkAttributeReader(run);
        int offset = 0;
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            visit(start + offset, start + run.Length, level == Level.Top);
            int payloadOffset = offset + Netlink.AttributeHeaderLength;
            if (Inner(level, type) is Level inner)
            {
                Headers(payload, start + payloadOffset, inner, visit);
            }

            offset = Math.Min(Netlink.Align(payloadOffset + payload.Length), run.Length);
        }
    }

    /// <summary>Walks a run of attributes and the nests the schema knows; returns whether this run was malformed.</summary>
    private static bool WalkAttributes(ReadOnlySpan<byte> run, Level level, ref bool nestMalformed)
    {
        var reader = new NetlinkAttributeReader(run);
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            AssertInside(run, payload);
            if (Inner(level, type) is Level inner && WalkAttributes(payload, inner, ref nestMalformed))
            {
                nestMalformed = true;
            }
        }

        return reader.Malformed;
    }

    private static Level? Inner(Level level, ushort type) => level switch
    {
        Level.Top => type switch
        {
            Cta.TUPLE_ORIG or Cta.TUPLE_REPLY => Level.Tuple,
            Cta.PROTOINFO => Level.ProtocolInfo,
            Cta.HELP or Cta.COUNTERS_ORIG or Cta.COUNTERS_REPLY or Cta.TIMESTAMP => Level.Values,
            _ => null,
        },
        Level.Tuple => type is Cta.TUPLE_IP or Cta.TUPLE_PROTO ? Level.Values : null,
        Level.ProtocolInfo => Level.Values,
        _ => null,
    };

    /// <summary>Spans already make reading past the end an exception; this also catches a span that points elsewhere.</summary>
    public static void AssertInside(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner)
    {
        if (inner.IsEmpty)
        {
            return;
        }

        Assert.True(outer.Overlaps(inner, out int offset) && offset >= 0 && offset + inner.Length <= outer.Length, "a reader handed out a span outside its input");
    }
}
