using Pyctd.Conntrack;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// The managed parser may only stand in for libnetfilter_conntrack's if it yields exactly what
/// nfct_nlmsg_parse + nfct_get_attr_* yield. This holds it to that, message by message, over the
/// lab table, and holds our conntrack-format line to the library's own nfct_snprintf.
/// </summary>
[Collection(LiveLabCollection.Name)]
public sealed class ParserDifferentialTests(SharedLab shared)
{
    private readonly LabNamespace _lab = shared.Lab;

    [Fact]
    public void Parse_EveryLabEntry_EqualsLibraryParse()
    {
        using var dumper = new ConntrackDumper(_lab.Name);
        var comparer = new LibraryComparer();
        dumper.DumpMessages(new DumpQuery(AddressFamilies.Unspecified, null, uint.MaxValue, 0, null, null, null, null, null), comparer);

        Assert.True(comparer.Mismatches.Count == 0, string.Join("\n", comparer.Mismatches.Take(20)));
        Assert.True(comparer.Compared > 12_000, $"only {comparer.Compared} entries compared");
        // The lab's variety must actually have been exercised.
        Assert.Contains(IpProtocols.Tcp, comparer.Protocols);
        Assert.Contains(IpProtocols.Udp, comparer.Protocols);
        Assert.Contains(IpProtocols.Icmp, comparer.Protocols);
        Assert.Contains(IpProtocols.IcmpV6, comparer.Protocols);
        Assert.Contains(AddressFamilies.Inet6, comparer.Families);
    }
}
