using Pyctd.Conntrack;
using Pyctd.Sorting;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Sorting;

public sealed class TopRecordsTests
{
    [Fact]
    public void Finish_WithLimit_KeepsTheLargestInOrder()
    {
        using var table = new RecordTable(initialCapacity: 16);
        var top = new TopRecords(table, new RecordComparer(SortField.OrigBytes, descending: true), keep: 5);
        var random = new Random(7);
        var all = new List<ulong>();
        for (uint i = 0; i < 10_000; i++)
        {
            var record = Records.Flow(IpProtocols.Udp, "10.0.0.1", 1, "10.0.0.2", 2);
            record.Id = i;
            record.OriginalCounters.Bytes = (ulong)random.Next(1_000_000);
            all.Add(record.OriginalCounters.Bytes);
            top.Accept(record);
        }

        Span<ConntrackRecord> best = top.Finish();
        Assert.Equal(all.OrderDescending().Take(5), best.ToArray().Select(static r => r.OriginalCounters.Bytes));
        Assert.True(table.Capacity < 10_000, "a limited sort must not hold the whole table");
    }

    [Theory]
    [InlineData("bytes", "Bytes")]
    [InlineData("orig_bytes", "OrigBytes")]
    [InlineData("ORIG-PORT-DST", "OrigPortDst")]
    [InlineData("dport", "OrigPortDst")]
    [InlineData("src", "OrigSrc")]
    public void TryParse_FieldNames_AreTheJsonNames(string text, string expected)
    {
        Assert.True(SortFields.TryParse(text, out SortField field));
        Assert.Equal(expected, field.ToString());
    }

    [Fact]
    public void Compare_Addresses_OrderNumericallyIPv4First()
    {
        var comparer = new RecordComparer(SortField.OrigSrc, descending: false);
        var a = Records.Tcp("10.0.0.9", 1, "1.1.1.1", 1);
        var b = Records.Tcp("10.0.0.10", 1, "1.1.1.1", 1);
        var c = Records.Tcp("::1", 1, "::2", 1);
        Assert.True(comparer.Compare(a, b) < 0);
        Assert.True(comparer.Compare(b, c) < 0);
    }
}
