using System.Buffers;
using System.Buffers.Text;
using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>
/// `-o conntrack`: one line per entry, byte for byte what `conntrack -L` prints through
/// libnetfilter_conntrack's default formatter (fields, order, spacing, flags). Not reproduced: a
/// SELinux secctx= field and labels= (conntrack only prints those with a label map).
/// </summary>
internal static partial class ConntrackLineFormatter
{
    // Worst case of one line: ~120 bytes of fixed text, four addresses, twenty numbers.
    private const int MaxLineLength = 640;

    private static readonly StandardFormat s_hex = new('x');

    public static void Write(OutputBuffer output, in ConntrackRecord record, long nowSeconds)
    {
        Span<byte> line = output.Reserve(MaxLineLength);
        int length = Format(record, nowSeconds, line);
        output.Advance(length);
        output.Write((byte)'\n');
        output.EndEntry();
    }

    /// <summary>Formats the line (no newline) into <paramref name="line"/>; returns its length.</summary>
    public static int Format(in ConntrackRecord record, long nowSeconds, Span<byte> line)
    {
        var w = new SpanWriter(line);

        // "%-8s %u "
        ReadOnlySpan<byte> protocolName = ConntrackNames.ProtocolUtf8(record.Protocol);
        w.Text(protocolName);
        w.Spaces(8 - protocolName.Length);
        w.Space();
        w.Number(record.Protocol);
        w.Space();

        if (record.Has(RecordFields.Timeout))
        {
            w.Number(record.Timeout);
            w.Space();
        }

        if (record.Has(RecordFields.TcpState))
        {
            w.Text(ConntrackNames.TcpStateUtf8(record.ProtocolState));
            w.Space();
        }

        if (record.Has(RecordFields.SctpState))
        {
            w.Text(ConntrackNames.SctpStateUtf8(record.ProtocolState));
            w.Space();
        }

        if (record.Has(RecordFields.DccpState))
        {
            w.Text(ConntrackNames.DccpStateUtf8(record.ProtocolState));
            w.Space();
        }

        WriteTuple(ref w, record, record.Original);
        if (record.Has(RecordFields.OrigZone))
        {
            w.Text("zone-orig="u8);
            w.Number(record.Original.Zone);
            w.Space();
        }

        if (record.Has(RecordFields.OrigCounters))
        {
            WriteCounters(ref w, record.OriginalCounters);
        }

        if (record.Has(RecordFields.Status) && (record.Status & ConntrackStatus.SeenReply) == 0)
        {
            w.Text("[UNREPLIED] "u8);
        }

        WriteTuple(ref w, record, record.Reply);
        if (record.Has(RecordFields.ReplyZone))
        {
            w.Text("zone-reply="u8);
            w.Number(record.Reply.Zone);
            w.Space();
        }

        if (record.Has(RecordFields.ReplyCounters))
        {
            WriteCounters(ref w, record.ReplyCounters);
        }

        if (record.Has(RecordFields.Status))
        {
            if ((record.Status & ConntrackStatus.HwOffload) != 0)
            {
                w.Text("[HW_OFFLOAD] "u8);
            }
            else if ((record.Status & ConntrackStatus.Offload) != 0)
            {
                w.Text("[OFFLOAD] "u8);
            }
            else if ((record.Status & ConntrackStatus.Assured) != 0)
            {
                w.Text("[ASSURED] "u8);
            }
        }

        if (record.Has(RecordFields.Mark))
        {
            w.Text("mark="u8);
            w.Number(record.Mark);
            w.Space();
        }

        if (record.Has(RecordFields.Secmark))
        {
            w.Text("secmark="u8);
            w.Number(record.Secmark);
            w.Space();
        }

        if (record.Has(RecordFields.Zone))
        {
            w.Text("zone="u8);
            w.Number(record.Zone);
            w.Space();
        }

        if (record.Has(RecordFields.TimestampStart))
        {
            // time_t arithmetic printed with %llu, as the library does: a stop before start wraps.
            long stop = record.Has(RecordFields.TimestampStop) && record.StopNanoseconds != 0
                ? (long)(record.StopNanoseconds / 1_000_000_000)
                : nowSeconds;
            long delta = stop - (long)(record.StartNanoseconds / 1_000_000_000);
            w.Text("delta-time="u8);
            w.Number((ulong)delta);
            w.Space();
        }

        if (record.Has(RecordFields.Helper))
        {
            w.Text("helper="u8);
            w.Text(record.HelperName);
            w.Space();
        }

        if (record.Has(RecordFields.Use))
        {
            w.Text("use="u8);
            w.Number(record.Use);
            w.Space();
        }

        // The library deletes the last blank.
        return Math.Max(w.Length - 1, 0);
    }

    private static void WriteTuple(ref SpanWriter w, in ConntrackRecord record, in ConntrackTuple tuple)
    {
        if (record.Family is AddressFamilies.Inet or AddressFamilies.Inet6)
        {
            w.Text("src="u8);
            w.Address(record.Family, tuple.Source);
            w.Text(" dst="u8);
            w.Address(record.Family, tuple.Destination);
            w.Space();
        }

        switch (tuple.Protocol)
        {
            case IpProtocols.Tcp or IpProtocols.Udp or IpProtocols.UdpLite or IpProtocols.Sctp or IpProtocols.Dccp:
                w.Text("sport="u8);
                w.Number(tuple.SourcePort);
                w.Text(" dport="u8);
                w.Number(tuple.DestinationPort);
                w.Space();
                break;
            case IpProtocols.Gre:
                w.Text("srckey=0x"u8);
                w.Hex(tuple.SourcePort);
                w.Text(" dstkey=0x"u8);
                w.Hex(tuple.DestinationPort);
                w.Space();
                break;
            case IpProtocols.Icmp or IpProtocols.IcmpV6:
                w.Text("type="u8);
                w.Number(tuple.IcmpType);
                w.Text(" code="u8);
                w.Number(tuple.IcmpCode);
                w.Text(" id="u8);
                w.Number(tuple.IcmpId);
                w.Space();
                break;
        }
    }

    private static void WriteCounters(ref SpanWriter w, in Counters counters)
    {
        w.Text("packets="u8);
        w.Number(counters.Packets);
        w.Text(" bytes="u8);
        w.Number(counters.Bytes);
        w.Space();
    }

    /// <summary>Appends to a span that was reserved for the worst case.</summary>
    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Length { get; private set; }

        public void Text(scoped ReadOnlySpan<byte> text)
        {
            text.CopyTo(_destination[Length..]);
            Length += text.Length;
        }

        public void Space() => _destination[Length++] = (byte)' ';

        public void Spaces(int count)
        {
            for (int i = 0; i < count; i++)
            {
                Space();
            }
        }

        public void Number(ulong value)
        {
            Utf8Formatter.TryFormat(value, _destination[Length..], out int written);
            Length += written;
        }

        public void Hex(ushort value)
        {
            Utf8Formatter.TryFormat(value, _destination[Length..], out int written, s_hex);
            Length += written;
        }

        public void Address(byte family, in AddressBytes address) =>
            Length += AddressText.Format(family, address, _destination[Length..]);
    }
}
