using Pyctd.Conntrack;
using Pyctd.Domain.Fields;

namespace Pyctd.Serve.Api;

/// <summary>
/// The fields of one connection struct of view(): the original's (id as a string, since ids are
/// u32 and XML-RPC ints are signed 32-bit; orig_ipv4_src/dst as PHP's ip2long integers) and ours.
/// Written through <see cref="IFieldWriter"/>, the interface the field catalog will write every
/// format through, until the catalog writes these rows itself.
/// </summary>
internal static class ConnectionWriter
{
    /// <summary>
    /// Writes the members only: the caller opens and closes the row (an XML-RPC struct, a JSON
    /// object). Generic, so a ref struct writer works and a class writer costs no boxing.
    /// </summary>
    public static void Write<TWriter>(ref TWriter writer, Snapshot snapshot, int index)
        where TWriter : IFieldWriter, allows ref struct
    {
        ref readonly ConntrackRecord record = ref snapshot[index];

        writer.Id("id"u8, record.Id);
        writer.Text("family"u8, ConntrackNames.FamilyUtf8(record.Family));
        writer.Text("proto"u8, ConntrackNames.ProtocolUtf8(record.Protocol));
        writer.Number("orig_l3proto"u8, record.Family);
        writer.Number("orig_l4proto"u8, record.Protocol);
        writer.Address("orig_src"u8, record.Family, record.Original.Source);
        writer.Address("orig_dst"u8, record.Family, record.Original.Destination);
        writer.Address("repl_src"u8, record.Family, record.Reply.Source);
        writer.Address("repl_dst"u8, record.Family, record.Reply.Destination);
        if (record.Family == AddressFamilies.Inet)
        {
            writer.Number("orig_ipv4_src"u8, (ulong)ViewField.Ip2Long(record.Original.Source));
            writer.Number("orig_ipv4_dst"u8, (ulong)ViewField.Ip2Long(record.Original.Destination));
        }

        if (IpProtocols.HasPorts(record.Protocol))
        {
            writer.Number("orig_port_src"u8, record.Original.SourcePort);
            writer.Number("orig_port_dst"u8, record.Original.DestinationPort);
            writer.Number("repl_port_src"u8, record.Reply.SourcePort);
            writer.Number("repl_port_dst"u8, record.Reply.DestinationPort);
        }
        else if (IpProtocols.IsIcmp(record.Protocol))
        {
            writer.Number("icmp_type"u8, record.Original.IcmpType);
            writer.Number("icmp_code"u8, record.Original.IcmpCode);
            writer.Number("icmp_id"u8, record.Original.IcmpId);
        }

        ReadOnlySpan<byte> state = ConntrackNames.StateUtf8(record);
        if (state.IsEmpty)
        {
            writer.Missing("state"u8);
        }
        else
        {
            writer.Text("state"u8, state);
        }

        writer.BeginList("status"u8);
        for (int bit = 0; bit < ConntrackNames.StatusFlagCount; bit++)
        {
            if ((record.Status & (1u << bit)) != 0)
            {
                writer.ListText(ConntrackNames.StatusFlagUtf8(bit));
            }
        }

        writer.EndList();
        writer.Number("mark"u8, record.Mark);
        writer.Number("zone"u8, record.Zone);
        writer.Number("timeout"u8, record.Timeout);
        writer.Number("use"u8, record.Use);
        if (snapshot.Accounting)
        {
            Rates rates = snapshot.RatesOf(index);
            writer.Number("orig_packets"u8, record.OriginalCounters.Packets);
            writer.Number("orig_bytes"u8, record.OriginalCounters.Bytes);
            writer.Number("repl_packets"u8, record.ReplyCounters.Packets);
            writer.Number("repl_bytes"u8, record.ReplyCounters.Bytes);
            // Rates are never negative: a counter that went down (a reused id) has rate 0.
            writer.Number("orig_rate"u8, (ulong)rates.Original);
            writer.Number("repl_rate"u8, (ulong)rates.Reply);
            writer.Number("rate"u8, (ulong)rates.Total);
        }
    }
}
