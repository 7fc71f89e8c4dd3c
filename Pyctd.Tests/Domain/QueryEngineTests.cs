using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Fields;
using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Domain;

public sealed class QueryEngineTests
{
    /// <summary>A varied table: both families, shared addresses (ties), ports, marks, states, counters.</summary>
    private static RecordTable RandomTable(Random random, int count)
    {
        var table = new RecordTable(count);
        string[] v6 = ["fd00::1", "fd00::1:0:0:0:1", "fd00::2", "fd00:0:0:1::1", "fd00::8000:0:0:1"];
        for (int i = 0; i < count; i++)
        {
            bool ipv6 = random.Next(4) == 0;
            string source = ipv6 ? v6[random.Next(v6.Length)] : $"10.0.{random.Next(4)}.{random.Next(8)}";
            string destination = ipv6 ? v6[random.Next(v6.Length)] : $"192.0.2.{random.Next(16)}";
            byte protocol = random.Next(3) switch { 0 => IpProtocols.Tcp, 1 => IpProtocols.Udp, _ => IpProtocols.Icmp };
            ConntrackRecord record = protocol == IpProtocols.Tcp
                ? Records.Tcp(source, (ushort)random.Next(1, 5), destination, (ushort)random.Next(79, 82), state: (byte)random.Next(1, 9))
                : Records.Flow(protocol, source, (ushort)random.Next(1, 5), destination, (ushort)random.Next(79, 82));
            record.Id = (uint)random.Next() | ((uint)random.Next(2) << 31);
            record.Mark = (uint)random.Next(4);
            record.Fields |= RecordFields.OrigCounters | RecordFields.ReplyCounters;
            record.OriginalCounters.Bytes = (ulong)random.Next(10);
            record.ReplyCounters.Bytes = (ulong)random.Next(10);
            table.Add(record);
        }

        return table;
    }

    [Fact]
    public void Select_HeapAndFullSort_GiveIdenticalPages()
    {
        var random = new Random(20261129);
        using RecordTable table = RandomTable(random, 3000);
        var source = new RecordTableSource(table);
        ConntrackField[] sortable = FieldCatalog.All.Where(static f => f.Sortable && !f.NeedsRates).ToArray();
        string[][] filters = [[], ["proto", "tcp"], ["mark", "1"], ["src", "10.0.1.0/24"], ["state", "ESTABLISHED"], ["dport", "80"]];

        for (int round = 0; round < 400; round++)
        {
            var order = new ConnectionOrder(sortable[random.Next(sortable.Length)], random.Next(2) == 0);
            string[] key = filters[random.Next(filters.Length)];
            var spec = new FilterSpec();
            if (key.Length > 0)
            {
                ConntrackField field = FieldCatalog.Find(key[0])!;
                spec.Add(field, FieldValues.Parse(field, key[1]));
            }

            CompiledFilter filter = spec.Compile(ratesAvailable: false);
            int offset = random.Next(3) == 0 ? random.Next(200) : 0;
            int limit = random.Next(1, 300);
            using QueryPage heap = QueryEngine.Select(source, filter, order, offset, limit);
            using QueryPage sorted = QueryEngine.Select(source, filter, order, offset, limit, fullSort: true);

            Assert.Equal(sorted.Total, heap.Total);
            Assert.True(sorted.Rows.SequenceEqual(heap.Rows), $"round {round}: {order.Field.Name} {(order.Descending ? "DESC" : "ASC")} {string.Join('=', key)} {offset}+{limit}");
        }
    }

    [Fact]
    public void Select_FullSort_IsOrderedByFieldThenId()
    {
        using RecordTable table = RandomTable(new Random(7), 2000);
        var source = new RecordTableSource(table);
        foreach (ConntrackField field in new[] { FieldCatalog.OrigSrc, FieldCatalog.Find("bytes")!, FieldCatalog.State })
        {
            using QueryPage page = QueryEngine.Select(source, CompiledFilter.All, new ConnectionOrder(field, false), 0, 0);
            Assert.Equal(2000, page.Count);
            for (int i = 1; i < page.Count; i++)
            {
                ConntrackRecord before = table[page.Rows[i - 1]];
                ConntrackRecord after = table[page.Rows[i]];
                int byField = Compare(field, before, after);
                Assert.True(byField < 0 || (byField == 0 && before.Id <= after.Id), $"{field.Name}: row {i} out of order");
            }
        }
    }

    /// <summary>The order the engine promises, computed the slow way from whole records.</summary>
    private static int Compare(ConntrackField field, in ConntrackRecord x, in ConntrackRecord y)
    {
        if (field.Type != FieldType.Address)
        {
            return field.Number!(x, Rates.None).CompareTo(field.Number!(y, Rates.None));
        }

        int family = x.Family.CompareTo(y.Family);
        return family != 0 ? family : ((ReadOnlySpan<byte>)field.Address!(x)).SequenceCompareTo(field.Address!(y));
    }

    [Fact]
    public void OrderedCollector_TopK_KeepsOnlyTheBestAndMatchesTheFullOrder()
    {
        using RecordTable all = RandomTable(new Random(11), 5000);
        var order = new ConnectionOrder(FieldCatalog.Find("bytes")!, Descending: true);
        using var top = new OrderedCollector(order, keep: 30);
        using var every = new OrderedCollector(order, keep: null);
        foreach (ref readonly ConntrackRecord record in all.Records)
        {
            top.Accept(record);
            every.Accept(record);
        }

        using QueryPage best = top.Finish(offset: 10);
        using QueryPage reference = every.Finish(offset: 10);
        Assert.Equal(20, best.Count);
        Assert.True(top.Table.Count <= 31, $"the top-30 collector holds {top.Table.Count} records");
        for (int i = 0; i < best.Count; i++)
        {
            Assert.Equal(every.Table[reference.Rows[i]].Id, top.Table[best.Rows[i]].Id);
        }
    }

    [Fact]
    public void OrderParse_UnknownField_ListsTheFields()
    {
        var error = Assert.Throws<FilterException>(() => ConnectionOrder.Parse("colour", false, ratesAvailable: false));
        Assert.Contains("'colour' is not a field to order by", error.Message);
        Assert.DoesNotContain("rate", error.Message.Split("one of:")[1]);
        Assert.Equal(FieldCatalog.OrigPortDst, ConnectionOrder.Parse("dport", false, false).Field);
    }
}
