using System.Text;
using System.Text.Json;
using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Output;
using Pyctd.Serve.XmlRpc;
using Pyctd.Tests.Serve;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Domain;

/// <summary>The grouping engine: keys, prefixes, the bounded accumulator, rates from two reads, ranking and rows.</summary>
public sealed class GroupingTests
{
    [Theory]
    [InlineData("src", "orig_src", 32, 128)]
    [InlineData("dst/24", "orig_dst", 24, 24)]
    [InlineData("src/64", "orig_src", 32, 64)]
    [InlineData("src/16,48", "orig_src", 16, 48)]
    [InlineData(" dport ", "orig_port_dst", 32, 128)]
    [InlineData("proto", "proto", 32, 128)]
    [InlineData("state", "state", 32, 128)]
    [InlineData("mark", "mark", 32, 128)]
    [InlineData("zone", "zone", 32, 128)]
    public void GroupKey_Parse_NamesFieldAndPrefixes(string text, string field, int v4, int v6)
    {
        var key = GroupKey.Parse(text);
        Assert.Equal(field, key.Field.Name);
        Assert.Equal(v4, key.IPv4Prefix);
        Assert.Equal(v6, key.IPv6Prefix);
    }

    [Theory]
    [InlineData("host", "is not a key to group by")]
    [InlineData("rate", "is not a key to group by")]
    [InlineData("status", "is not a key to group by")]
    [InlineData("labels", "is not a key to group by")]
    [InlineData("src/129", "bad prefix length")]
    [InlineData("src/33,64", "bad prefix length")]
    [InlineData("src/24,129", "bad prefix length")]
    [InlineData("src/", "bad prefix length")]
    [InlineData("src/-1", "bad prefix length")]
    [InlineData("src/024", "bad prefix length")]
    [InlineData("src/24,64,8", "bad prefix length")]
    [InlineData("dport/24", "only addresses take a /PREFIX")]
    public void GroupKey_Parse_BadKey_SaysWhy(string text, string why)
    {
        var error = Assert.Throws<FilterException>(() => GroupKey.Parse(text));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accumulator_GroupsByPrefix_SumsCountersPerGroup()
    {
        var groups = new GroupAccumulator(GroupKey.Parse("src/24,64"));
        Assert.True(groups.Add(Counted(Records.Tcp("10.1.2.3", 1, "10.9.9.9", 80), 100, 50, 3), Rates.None));
        Assert.True(groups.Add(Counted(Records.Tcp("10.1.2.200", 2, "10.9.9.9", 80), 1000, 10, 4), Rates.None));
        Assert.True(groups.Add(Counted(Records.Tcp("10.1.3.1", 3, "10.9.9.9", 80), 1, 1, 1), Rates.None));
        Assert.True(groups.Add(Counted(Records.Tcp("2001:db8:0:1::5", 4, "2001:db8::1", 80), 7, 7, 2), Rates.None));
        Assert.True(groups.Add(Counted(Records.Tcp("2001:db8:0:1:ffff::9", 5, "2001:db8::1", 80), 3, 3, 2), Rates.None));

        Assert.Equal(3, groups.Count);
        Assert.Equal(
            ["10.1.2.0/24 2 1160 7", "2001:db8:0:1::/64 2 20 4", "10.1.3.0/24 1 2 1"],
            Rows(groups, new GroupOrder(GroupMetric.Connections, Descending: true)));
        Assert.True(groups.Counted);
    }

    [Fact]
    public void Accumulator_EntriesWithoutTheField_FormOneMissingGroup()
    {
        var groups = new GroupAccumulator(GroupKey.Parse("dport"));
        groups.Add(Records.Tcp("10.0.0.1", 1, "10.0.0.2", 443), Rates.None);
        groups.Add(Records.Flow(IpProtocols.Icmp, "10.0.0.1", 0, "10.0.0.2", 0), Rates.None);
        groups.Add(Records.Flow(IpProtocols.Icmp, "10.0.0.3", 0, "10.0.0.2", 0), Rates.None);

        Assert.Equal(["- 2 0 0", "443 1 0 0"], Rows(groups, new GroupOrder(GroupMetric.Connections, Descending: true)));
        Assert.Equal(
            /*lang=json,strict*/ """{"key":null,"connections":2,"packets":0,"bytes":0,"orig_rate":0,"repl_rate":0,"rate":0}""",
            Json(groups, groups.IndexOf(GroupValue.Missing)));
    }

    [Fact]
    public void Accumulator_AtTheCap_RefusesANewGroupButAddsToKnownOnes()
    {
        var groups = new GroupAccumulator(GroupKey.Parse("src"), maxGroups: 2);
        Assert.True(groups.Add(Records.Tcp("10.0.0.1", 1, "10.0.0.9", 80), Rates.None));
        Assert.True(groups.Add(Records.Tcp("10.0.0.2", 1, "10.0.0.9", 80), Rates.None));
        Assert.True(groups.Add(Records.Tcp("10.0.0.1", 2, "10.0.0.9", 80), Rates.None));
        Assert.False(groups.Overflowed);

        Assert.False(groups.Add(Records.Tcp("10.0.0.3", 1, "10.0.0.9", 80), Rates.None));
        Assert.True(groups.Overflowed);
        Assert.Equal(2, groups.Count);
        Assert.False(groups.Accept(Records.Tcp("10.0.0.4", 1, "10.0.0.9", 80))); // as a sink it ends the dump
    }

    [Fact]
    public void RatesSince_TwoReads_GiveBytesPerSecondPerDirection_NeverBelowZero()
    {
        var before = new GroupAccumulator(GroupKey.Parse("proto"));
        before.Add(Counted(Records.Tcp("10.0.0.1", 1, "10.0.0.2", 80), 1000, 500, 1), Rates.None);
        before.Add(Counted(Records.Flow(IpProtocols.Udp, "10.0.0.1", 1, "10.0.0.2", 53), 9000, 9000, 1), Rates.None);

        var after = new GroupAccumulator(GroupKey.Parse("proto"));
        after.Add(Counted(Records.Tcp("10.0.0.1", 1, "10.0.0.2", 80), 3000, 1500, 1), Rates.None);
        after.Add(Counted(Records.Flow(IpProtocols.Udp, "10.0.0.1", 2, "10.0.0.2", 53), 10, 10, 1), Rates.None); // the big one closed
        after.Add(Counted(Records.Flow(IpProtocols.Icmp, "10.0.0.1", 0, "10.0.0.2", 0), 400, 400, 1), Rates.None); // new since
        after.RatesSince(before, seconds: 2);

        Assert.Equal((1000UL, 500UL), RatesOf(after, "tcp"));
        Assert.Equal((0UL, 0UL), RatesOf(after, "udp"));
        Assert.Equal((200UL, 200UL), RatesOf(after, "icmp"));
    }

    [Fact]
    public void Add_WithMeasuredRates_SumsThem()
    {
        var groups = new GroupAccumulator(GroupKey.Parse("dst"));
        groups.Add(Records.Tcp("10.0.0.1", 1, "10.0.0.2", 80), new Rates(10, 20, Measured: true));
        groups.Add(Records.Tcp("10.0.0.3", 1, "10.0.0.2", 80), new Rates(1, 2, Measured: true));
        Assert.Equal((11UL, 22UL), (groups.Totals[0].OriginalRate, groups.Totals[0].ReplyRate));
        Assert.Equal(33UL, groups.Totals[0].Rate);
    }

    [Theory]
    [InlineData("connections", false, "a b c")]
    [InlineData("connections", true, "c b a")]
    [InlineData("bytes", true, "a c b")]
    [InlineData("packets", false, "a b c")]
    public void Rank_OrdersByTotal_TiesByKey(string metric, bool descending, string expected)
    {
        var groups = new GroupAccumulator(GroupKey.Parse("mark"));
        AddMarked(groups, 1, connections: 1, bytes: 900);   // a
        AddMarked(groups, 2, connections: 2, bytes: 10);    // b
        AddMarked(groups, 3, connections: 3, bytes: 30);    // c
        var names = new Dictionary<ulong, string> { [1] = "a", [2] = "b", [3] = "c" };
        int[] ranked = new GroupOrder(GroupOrder.Parse(metric), descending).Rank(groups, 0);
        Assert.Equal(expected, string.Join(' ', ranked.Select(i => names[groups.Keys[i].Low])));
        Assert.Equal(2, new GroupOrder(GroupMetric.Connections, true).Rank(groups, 2).Length);
    }

    [Fact]
    public void GroupOrder_Parse_UnknownTotal_NamesTheChoices()
    {
        var error = Assert.Throws<FilterException>(() => GroupOrder.Parse("speed"));
        Assert.Contains("connections, packets, bytes, orig_rate, repl_rate, rate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteRow_XmlRpc_KeysByFieldKind_NumbersThroughTheFieldWriter()
    {
        var byState = new GroupAccumulator(GroupKey.Parse("state"));
        byState.Add(Counted(Records.Tcp("10.0.0.1", 1, "10.0.0.2", 80), ulong.MaxValue / 4, 1, 1), Rates.None);
        var byPort = new GroupAccumulator(GroupKey.Parse("dport"));
        byPort.Add(Records.Tcp("10.0.0.1", 1, "10.0.0.2", 443), Rates.None);
        var byHost = new GroupAccumulator(GroupKey.Parse("src"));
        byHost.Add(Records.Tcp("2001:db8::1", 1, "10.0.0.2", 443), Rates.None);

        XmlRpcValue state = XmlRpc(byState);
        Assert.Equal("ESTABLISHED", state.Member("key")!.String);
        Assert.Equal(XmlRpcKind.Double, state.Member("bytes")!.Kind); // a counter, as in view() rows: every client reads it
        Assert.Equal((ulong.MaxValue / 4) + 1, state.Member("bytes")!.Double); // 2^62: exact as a double, not truncated
        Assert.Equal(443, XmlRpc(byPort).Member("key")!.Integer);
        Assert.Equal("2001:db8::1", XmlRpc(byHost).Member("key")!.String);
        Assert.Equal(["key", "connections", "packets", "bytes", "orig_rate", "repl_rate", "rate"], XmlRpc(byHost).Members.Select(static m => m.Key));
    }

    [Fact]
    public void WriteRow_XmlRpc_MarkKeyIsTheSigned32BitIntRowsWrite()
    {
        var byMark = new GroupAccumulator(GroupKey.Parse("mark"));
        AddMarked(byMark, 0x80000001, 1, 0);

        XmlRpcValue key = XmlRpc(byMark).Member("key")!;
        Assert.Equal(XmlRpcKind.Integer, key.Kind);
        Assert.Equal(unchecked((int)0x80000001), key.Integer);
    }

    private static ConntrackRecord Counted(ConntrackRecord record, ulong originalBytes, ulong replyBytes, ulong packets)
    {
        record.Fields |= RecordFields.OrigCounters | RecordFields.ReplyCounters;
        record.OriginalCounters = new Counters { Bytes = originalBytes, Packets = packets };
        record.ReplyCounters = new Counters { Bytes = replyBytes };
        return record;
    }

    private static void AddMarked(GroupAccumulator groups, uint mark, int connections, ulong bytes)
    {
        for (int i = 0; i < connections; i++)
        {
            var record = Counted(Records.Tcp("10.0.0.1", (ushort)i, "10.0.0.2", 80), i == 0 ? bytes : 0, 0, 1);
            record.Mark = mark;
            groups.Add(record, Rates.None);
        }
    }

    private static (ulong, ulong) RatesOf(GroupAccumulator groups, string protocol)
    {
        Assert.True(ConntrackNames.TryParseProtocol(protocol, out byte number));
        ref GroupTotals totals = ref groups[groups.IndexOf(GroupValue.Number(number))];
        return (totals.OriginalRate, totals.ReplyRate);
    }

    /// <summary>Each group as "KEY CONNECTIONS BYTES PACKETS" in <paramref name="order"/>.</summary>
    private static string[] Rows(GroupAccumulator groups, GroupOrder order)
    {
        Span<byte> text = stackalloc byte[GroupKey.MaxTextLength];
        var rows = new List<string>();
        foreach (int i in order.Rank(groups, 0))
        {
            int length = groups.Key.Format(groups.Keys[i], text);
            rows.Add($"{Encoding.ASCII.GetString(text[..length])} {groups.Totals[i].Connections} {groups.Totals[i].Bytes} {groups.Totals[i].Packets}");
        }

        return [.. rows];
    }

    private static string Json(GroupAccumulator groups, int index)
    {
        var buffer = new byte[JsonWriter.MaxObjectLength];
        var json = new JsonObjectWriter(buffer);
        GroupWriting.WriteRow(ref json, groups.Key, groups.Keys[index], groups.Totals[index]);
        string text = Encoding.UTF8.GetString(buffer, 0, json.Finish());
        using (JsonDocument.Parse(text))
        {
            return text;
        }
    }

    private static XmlRpcValue XmlRpc(GroupAccumulator groups)
    {
        using var writer = new XmlRpcWriter();
        writer.BeginResponse();
        writer.BeginStruct();
        XmlRpcWriter members = writer;
        GroupWriting.WriteRow(ref members, groups.Key, groups.Keys[0], groups.Totals[0]);
        writer.EndStruct();
        writer.EndResponse();
        return XmlRpcResponses.ReadBack(Encoding.UTF8.GetString(writer.Pending));
    }
}
