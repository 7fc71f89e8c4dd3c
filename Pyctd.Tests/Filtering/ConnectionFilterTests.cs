using Pyctd.Conntrack;
using Pyctd.Filtering;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Filtering;

public sealed class ConnectionFilterTests
{
    private static AddressPrefix Prefix(string text)
    {
        Assert.True(AddressPrefix.TryParse(text, out AddressPrefix prefix, out _));
        return prefix;
    }

    [Fact]
    public void Matches_EmptyFilter_AcceptsEverything()
    {
        Assert.True(ConnectionFilter.All.IsEmpty);
        Assert.True(ConnectionFilter.All.Matches(Records.Tcp("10.0.0.1", 1, "10.0.0.2", 2)));
    }

    [Fact]
    public void Matches_AllCriteria_MustHold()
    {
        var record = Records.Tcp("10.0.0.1", 1000, "10.0.0.2", 80);
        record.Mark = 0x105;
        record.Zone = 7;
        var filter = new ConnectionFilter
        {
            Protocol = IpProtocols.Tcp,
            Source = Prefix("10.0.0.0/24"),
            DestinationPort = 80,
            Mark = 0x100,
            MarkMask = 0xff00,
            State = "ESTABLISHED",
            Status = ConntrackStatus.Assured,
            Zone = 7,
        };
        Assert.True(filter.Matches(record));

        record.Zone = 8;
        Assert.False(filter.Matches(record));
    }

    [Theory]
    [InlineData(0x105u, 0x100u, 0xff00u, true)]
    [InlineData(0x205u, 0x100u, 0xff00u, false)]
    [InlineData(7u, 7u, 0xffffffffu, true)]
    [InlineData(7u, 5u, 0x4u, false)] // conntrack semantics: (mark & mask) == value, value is not masked
    public void Matches_MarkWithMask_ComparesMaskedMark(uint mark, uint value, uint mask, bool expected)
    {
        var record = Records.Tcp("10.0.0.1", 1, "10.0.0.2", 2);
        record.Mark = mark;
        Assert.Equal(expected, new ConnectionFilter { Mark = value, MarkMask = mask }.Matches(record));
    }

    [Fact]
    public void Matches_PortFilterOnIcmp_IsFalse()
    {
        var icmp = Records.Flow(IpProtocols.Icmp, "10.0.0.1", 0, "10.0.0.2", 0);
        Assert.False(new ConnectionFilter { DestinationPort = 0 }.Matches(icmp));
    }

    [Fact]
    public void Matches_StateOnUdp_IsFalse()
    {
        var udp = Records.Flow(IpProtocols.Udp, "10.0.0.1", 5, "10.0.0.2", 53);
        Assert.False(new ConnectionFilter { State = "ESTABLISHED" }.Matches(udp));
    }

    [Fact]
    public void Matches_ReplyAddresses_UseTheReplyTuple()
    {
        var record = Records.Tcp("10.0.0.1", 1, "10.0.0.2", 2);
        Assert.True(new ConnectionFilter { ReplySource = Prefix("10.0.0.2") }.Matches(record));
        Assert.False(new ConnectionFilter { ReplySource = Prefix("10.0.0.1") }.Matches(record));
    }

    [Fact]
    public void Matches_IdAndFamily_AreExact()
    {
        var record = Records.Tcp("fd00::1", 1, "fd00::2", 2);
        record.Id = 4_000_000_000;
        Assert.True(new ConnectionFilter { Id = 4_000_000_000, Family = AddressFamilies.Inet6 }.Matches(record));
        Assert.False(new ConnectionFilter { Id = 4_000_000_001 }.Matches(record));
        Assert.False(new ConnectionFilter { Family = AddressFamilies.Inet }.Matches(record));
    }
}
