using System.Text;
using Pyctd.Conntrack;
using Pyctd.Output;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Output;

/// <summary>
/// Unit checks of the conntrack -L line. The live differential test compares every line of the lab
/// table with libnetfilter_conntrack's own formatter; these pin the flag logic it may not meet.
/// </summary>
public sealed class ConntrackLineFormatterTests
{
    private static string Format(in ConntrackRecord record, long now = 0)
    {
        Span<byte> line = stackalloc byte[1024];
        int length = ConntrackLineFormatter.Format(record, now, line);
        return Encoding.ASCII.GetString(line[..length]);
    }

    [Fact]
    public void Format_EstablishedTcp_MatchesConntrackLayout()
    {
        var record = Records.Tcp("10.0.0.1", 1000, "10.0.0.2", 80, state: 3, status: ConntrackStatus.SeenReply | ConntrackStatus.Assured | ConntrackStatus.Confirmed);
        record.Mark = 7;
        Assert.Equal(
            "tcp      6 100 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000 [ASSURED] mark=7 use=1",
            Format(record));
    }

    [Fact]
    public void Format_NoReplySeen_SaysUnreplied()
    {
        var record = Records.Flow(IpProtocols.Udp, "10.0.0.1", 5, "10.0.0.2", 53, status: ConntrackStatus.Confirmed);
        Assert.Contains("dport=53 [UNREPLIED] src=10.0.0.2", Format(record));
    }

    [Theory]
    [InlineData(ConntrackStatus.SeenReply | ConntrackStatus.Assured | ConntrackStatus.Offload | ConntrackStatus.HwOffload, "[HW_OFFLOAD]")]
    [InlineData(ConntrackStatus.SeenReply | ConntrackStatus.Assured | ConntrackStatus.Offload, "[OFFLOAD]")]
    [InlineData(ConntrackStatus.SeenReply | ConntrackStatus.Assured, "[ASSURED]")]
    public void Format_OffloadFlags_TakePrecedenceOverAssured(uint status, string expected)
    {
        var record = Records.Flow(IpProtocols.Udp, "10.0.0.1", 5, "10.0.0.2", 53, status);
        string line = Format(record);
        Assert.Contains(expected, line);
        Assert.Single(["[HW_OFFLOAD]", "[OFFLOAD]", "[ASSURED]"], flag => line.Contains(flag, StringComparison.Ordinal));
    }

    [Fact]
    public void Format_UnknownProtocolAndZones_PrintsWhatConntrackDoes()
    {
        var record = Records.Flow(99, "10.0.0.1", 0, "10.0.0.2", 0);
        record.Fields |= RecordFields.Zone | RecordFields.OrigZone | RecordFields.ReplyZone | RecordFields.TimestampStart;
        record.Zone = 3;
        record.Original.Zone = 4;
        record.Reply.Zone = 5;
        record.StartNanoseconds = 1_000_000_000_000;
        Assert.Equal(
            "unknown  99 100 src=10.0.0.1 dst=10.0.0.2 zone-orig=4 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 zone-reply=5 mark=0 zone=3 delta-time=10 use=1",
            Format(record, now: 1010));
    }

    [Fact]
    public void Format_IcmpAndGre_UseTheirOwnTupleFields()
    {
        var icmp = Records.Flow(IpProtocols.Icmp, "10.0.0.1", 0, "10.0.0.2", 0);
        icmp.Original.IcmpType = 8;
        icmp.Original.IcmpId = 77;
        icmp.Reply.IcmpId = 77;
        Assert.Contains("src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=77 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=77 ", Format(icmp));

        var gre = Records.Flow(IpProtocols.Gre, "10.0.0.1", 0x1a, "10.0.0.2", 0xff);
        Assert.Contains("srckey=0x1a dstkey=0xff", Format(gre));
    }
}
