using System.Globalization;
using Pyctd.Conntrack;
using Pyctd.Output;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>
/// Writes one connection struct of view(): the original's fields (id as a string, since ids are
/// u32 and XML-RPC ints are signed 32-bit; orig_ipv4_src/dst as PHP's ip2long integers) and ours.
/// </summary>
internal static class ConnectionWriter
{
    public static void Write(IXmlRpcOutput writer, Snapshot snapshot, int index)
    {
        ref readonly ConntrackRecord record = ref snapshot[index];
        Span<byte> text = stackalloc byte[AddressText.MaxLength];

        writer.BeginStruct();
        writer.Member("id", record.Id.ToString(CultureInfo.InvariantCulture));
        writer.Member("family", ViewField.Text(ConntrackNames.FamilyUtf8(record.Family)));
        writer.Member("proto", ViewField.Text(ConntrackNames.ProtocolUtf8(record.Protocol)));
        writer.Member("orig_l3proto", record.Family);
        writer.Member("orig_l4proto", record.Protocol);
        writer.Member("orig_src", Address(record, record.Original.Source, text));
        writer.Member("orig_dst", Address(record, record.Original.Destination, text));
        writer.Member("repl_src", Address(record, record.Reply.Source, text));
        writer.Member("repl_dst", Address(record, record.Reply.Destination, text));
        if (record.Family == AddressFamilies.Inet)
        {
            writer.Member("orig_ipv4_src", ViewField.Ip2Long(record.Original.Source));
            writer.Member("orig_ipv4_dst", ViewField.Ip2Long(record.Original.Destination));
        }

        if (IpProtocols.HasPorts(record.Protocol))
        {
            writer.Member("orig_port_src", record.Original.SourcePort);
            writer.Member("orig_port_dst", record.Original.DestinationPort);
            writer.Member("repl_port_src", record.Reply.SourcePort);
            writer.Member("repl_port_dst", record.Reply.DestinationPort);
        }
        else if (IpProtocols.IsIcmp(record.Protocol))
        {
            writer.Member("icmp_type", record.Original.IcmpType);
            writer.Member("icmp_code", record.Original.IcmpCode);
            writer.Member("icmp_id", record.Original.IcmpId);
        }

        // XML-RPC has no null that every client reads: a protocol without states has state "".
        writer.Member("state", ViewField.Text(ConntrackNames.StateUtf8(record)));
        writer.BeginMember("status");
        writer.BeginArray();
        for (int bit = 0; bit < ConntrackNames.StatusFlagCount; bit++)
        {
            if ((record.Status & (1u << bit)) != 0)
            {
                writer.String(ConntrackNames.StatusFlags[bit]);
            }
        }

        writer.EndArray();
        writer.EndMember();
        writer.Member("mark", record.Mark);
        writer.Member("zone", record.Zone);
        writer.Member("timeout", record.Timeout);
        writer.Member("use", record.Use);
        if (snapshot.Accounting)
        {
            Rates rates = snapshot.RatesOf(index);
            writer.Member("orig_packets", (long)record.OriginalCounters.Packets);
            writer.Member("orig_bytes", (long)record.OriginalCounters.Bytes);
            writer.Member("repl_packets", (long)record.ReplyCounters.Packets);
            writer.Member("repl_bytes", (long)record.ReplyCounters.Bytes);
            writer.Member("orig_rate", rates.Original);
            writer.Member("repl_rate", rates.Reply);
            writer.Member("rate", rates.Total);
        }

        writer.EndStruct();
    }

    private static string Address(in ConntrackRecord record, in AddressBytes address, Span<byte> scratch) =>
        ViewField.Text(scratch[..AddressText.Format(record.Family, address, scratch)]);
}
