using System.Text;
using System.Text.Json;
using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Fields;
using Pyctd.Output;
using Pyctd.Serve.XmlRpc;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Domain;

public sealed class FieldCatalogTests
{
    private static readonly Rates s_measured = new(123, 456, Measured: true);

    private static string Json(in ConntrackRecord record, in Rates rates)
    {
        var buffer = new byte[JsonWriter.MaxObjectLength];
        var json = new JsonObjectWriter(buffer);
        FieldWriting.WriteFields(ref json, record, rates);
        return Encoding.UTF8.GetString(buffer, 0, json.Finish());
    }

    /// <summary>One view() row as the server writes it, read back by our XML-RPC reader.</summary>
    private static XmlRpcValue XmlRpcRow(in ConntrackRecord record, in Rates rates)
    {
        using var writer = new XmlRpcWriter();
        writer.BeginResponse();
        writer.BeginStruct();
        XmlRpcWriter fields = writer;
        FieldWriting.WriteFields(ref fields, record, rates);
        writer.EndStruct();
        writer.EndResponse();
        return Serve.XmlRpcResponses.ReadBack(Encoding.UTF8.GetString(writer.Pending));
    }

    /// <summary>Between them these carry every field: ports and zones (TCP, IPv6) or ICMP's and ip2long's (ICMP, IPv4).</summary>
    private static ConntrackRecord[] Maximals()
    {
        ConntrackRecord icmp = Records.Maximal();
        ConntrackRecord ipv4 = Records.Flow(IpProtocols.Icmp, "255.255.255.254", 0, "255.255.255.255", 0);
        icmp.Family = ipv4.Family;
        icmp.Protocol = icmp.Original.Protocol = icmp.Reply.Protocol = IpProtocols.Icmp;
        icmp.Original = ipv4.Original;
        icmp.Reply = ipv4.Reply;
        ConntrackRecord tcp = Records.Maximal();
        // XML-RPC's widest integer is a signed i8: counters beyond it are issue 10's concern, not the names'.
        tcp.OriginalCounters = tcp.ReplyCounters = icmp.OriginalCounters = icmp.ReplyCounters =
            new Counters { Packets = long.MaxValue, Bytes = long.MaxValue };
        return [tcp, icmp];
    }

    [Fact]
    public void EveryWrittenField_AppearsInJson()
    {
        var written = new HashSet<string>();
        foreach (ConntrackRecord record in Maximals())
        {
            using var json = JsonDocument.Parse(Json(record, s_measured));
            written.UnionWith(json.RootElement.EnumerateObject().Select(static p => p.Name));
        }

        foreach (ConntrackField field in FieldCatalog.All)
        {
            Assert.Equal(field.Output != FieldOutput.None, written.Contains(field.Name));
        }
    }

    [Fact]
    public void EveryWrittenField_AppearsInXmlRpc_WithTheSameNamesAsJson()
    {
        foreach (ConntrackRecord record in Maximals())
        {
            using var json = JsonDocument.Parse(Json(record, s_measured));
            XmlRpcValue row = XmlRpcRow(record, s_measured);
            string[] jsonNames = json.RootElement.EnumerateObject().Select(static p => p.Name).ToArray();
            Assert.Equal(jsonNames, row.Members.Select(static m => m.Key).ToArray());
            Assert.Equal(XmlRpcKind.String, row.Member("id")!.Kind); // u32 ids do not fit XML-RPC's int
        }
    }

    [Fact]
    public void Ipv4Integers_AreWrittenForIPv4Only()
    {
        using var ipv4 = JsonDocument.Parse(Json(Records.Tcp("192.168.1.1", 1, "10.0.0.1", 2), Rates.None));
        Assert.Equal(3232235777, ipv4.RootElement.GetProperty("orig_ipv4_src").GetInt64());
        using var ipv6 = JsonDocument.Parse(Json(Records.Tcp("fd00::1", 1, "fd00::2", 2), Rates.None));
        Assert.False(ipv6.RootElement.TryGetProperty("orig_ipv4_src", out _));
    }

    [Fact]
    public void MissingState_IsNullInJson_AndEmptyInXmlRpc()
    {
        var udp = Records.Flow(IpProtocols.Udp, "10.0.0.1", 5, "10.0.0.2", 53);
        using var json = JsonDocument.Parse(Json(udp, Rates.None));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("state").ValueKind);
        Assert.Equal(string.Empty, XmlRpcRow(udp, Rates.None).Member("state")!.String);
    }

    [Fact]
    public void JsonReserve_HoldsAMaximalRecord()
    {
        // Written into a span far larger than the reserve, then measured.
        var buffer = new byte[64 * 1024];
        var json = new JsonObjectWriter(buffer);
        FieldWriting.WriteFields(ref json, Records.Maximal(), new Rates(ulong.MaxValue, ulong.MaxValue, true));
        int length = json.Finish();
        Assert.True(length <= JsonWriter.MaxObjectLength, $"a maximal record is {length} bytes of JSON; the reserve is {JsonWriter.MaxObjectLength}");
        Assert.True(length > JsonWriter.MaxObjectLength / 2, $"the reserve {JsonWriter.MaxObjectLength} is far above the maximal {length}: lower it");
    }

    [Fact]
    public void Names_AreUniqueAcrossFieldsAndAliases()
    {
        string[] names = FieldCatalog.All.SelectMany(static f => f.Aliases.Prepend(f.Name)).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.All(FieldCatalog.All, static f => Assert.Same(f, FieldCatalog.Find(f.Name.ToUpperInvariant().Replace('_', '-'))));
    }
}
