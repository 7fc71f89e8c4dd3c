using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Fields;
using Pyctd.Domain.Filtering;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Domain;

public sealed class FilterSpecTests
{
    private static bool Matches(ConntrackRecord record, params (string Field, string Value)[] keys)
    {
        var spec = new FilterSpec();
        foreach (var (name, value) in keys)
        {
            ConntrackField field = FieldCatalog.Find(name)!;
            spec.Add(field, value.Split('|').Select(v => FieldValues.Parse(field, v)).ToArray());
        }

        return spec.Compile(ratesAvailable: true).Matches(record, Rates.None);
    }

    [Fact]
    public void Matches_EmptyFilter_AcceptsEverything()
    {
        Assert.True(CompiledFilter.All.IsEmpty);
        Assert.True(CompiledFilter.All.Matches(Records.Tcp("10.0.0.1", 1, "10.0.0.2", 2), Rates.None));
    }

    [Fact]
    public void Matches_AllKeys_MustHold()
    {
        var record = Records.Tcp("10.0.0.1", 1000, "10.0.0.2", 80);
        record.Mark = 0x105;
        record.Zone = 7;
        (string, string)[] keys = [("proto", "tcp"), ("src", "10.0.0.0/24"), ("dport", "80"), ("mark", "0x100/0xff00"), ("state", "ESTABLISHED"), ("status", "ASSURED"), ("zone", "7")];
        Assert.True(Matches(record, keys));

        record.Zone = 8;
        Assert.False(Matches(record, keys));
    }

    [Theory]
    [InlineData(0x105u, "0x100/0xff00", true)]
    [InlineData(0x205u, "0x100/0xff00", false)]
    [InlineData(7u, "7", true)]
    [InlineData(7u, "5/4", false)] // conntrack semantics: (mark & mask) == value, value is not masked
    public void Matches_MarkWithMask_ComparesMaskedMark(uint mark, string filter, bool expected)
    {
        var record = Records.Tcp("10.0.0.1", 1, "10.0.0.2", 2);
        record.Mark = mark;
        Assert.Equal(expected, Matches(record, ("mark", filter)));
    }

    [Fact]
    public void Matches_PortKeyOnIcmp_IsFalse()
    {
        var icmp = Records.Flow(IpProtocols.Icmp, "10.0.0.1", 0, "10.0.0.2", 0);
        Assert.False(Matches(icmp, ("dport", "0")));
    }

    [Fact]
    public void Matches_PortKeyOnAnEntryThatCarriesNoPorts_IsFalse()
    {
        // DCCP entries carry no ports since Linux 6.16 dropped the DCCP tracker: --dport 0 must not select them.
        var dccp = Records.Flow(IpProtocols.Dccp, "10.0.0.1", 0, "10.0.0.2", 0);
        dccp.Fields &= ~RecordFields.Ports;
        Assert.False(Matches(dccp, ("dport", "0")));
        Assert.False(Matches(dccp, ("sport", "0")));

        dccp.Fields |= RecordFields.Ports;
        Assert.True(Matches(dccp, ("dport", "0")));
    }

    [Fact]
    public void Matches_StateOnUdp_IsFalse()
    {
        var udp = Records.Flow(IpProtocols.Udp, "10.0.0.1", 5, "10.0.0.2", 53);
        Assert.False(Matches(udp, ("state", "ESTABLISHED")));
    }

    [Fact]
    public void Matches_ReplyAddresses_UseTheReplyTuple()
    {
        var record = Records.Tcp("10.0.0.1", 1, "10.0.0.2", 2);
        Assert.True(Matches(record, ("repl_src", "10.0.0.2")));
        Assert.False(Matches(record, ("repl_src", "10.0.0.1")));
    }

    [Fact]
    public void Matches_IdAndFamily_AreExact()
    {
        var record = Records.Tcp("fd00::1", 1, "fd00::2", 2);
        record.Id = 4_000_000_000;
        Assert.True(Matches(record, ("id", "4000000000"), ("family", "ipv6")));
        Assert.False(Matches(record, ("id", "4000000001")));
        Assert.False(Matches(record, ("family", "ipv4")));
    }

    [Theory]
    [InlineData("ipv4")]
    [InlineData("inet")]
    [InlineData("4")]
    [InlineData("2")]
    [InlineData("IPv4")]
    public void FamilySpellings_AreTheSameEverywhere(string spelling)
    {
        Assert.Equal(FilterTerm.Equal(AddressFamilies.Inet), FieldValues.Parse(FieldCatalog.Family, spelling));
        Assert.Equal(FilterTerm.Equal(AddressFamilies.Inet), FieldValues.Parse(FieldCatalog.Find("orig_l3proto")!, spelling));
    }

    [Fact]
    public void Matches_AnyOf_MatchesEitherValue()
    {
        var record = Records.Tcp("10.0.0.1", 1, "10.0.0.2", 443);
        Assert.True(Matches(record, ("dport", "80|443")));
        Assert.False(Matches(record, ("dport", "80|8080")));
        Assert.True(Matches(record, ("proto", "udp|tcp")));
    }

    [Fact]
    public void Matches_ThousandsOfPrefixes_FindsTheOneThatCovers()
    {
        ConntrackField src = FieldCatalog.OrigSrc;
        FilterTerm[] prefixes = Enumerable.Range(0, 20_000)
            .Select(i => FieldValues.Parse(src, $"{10 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.0/24"))
            .ToArray();
        CompiledFilter filter = new FilterSpec().Add(src, prefixes).Compile(ratesAvailable: false);

        Assert.True(filter.Matches(Records.Tcp("10.78.31.9", 1, "1.1.1.1", 2), Rates.None));
        Assert.False(filter.Matches(Records.Tcp("12.0.0.1", 1, "1.1.1.1", 2), Rates.None));
        Assert.False(filter.Matches(Records.Tcp("fd00::1", 1, "fd00::2", 2), Rates.None));
    }

    [Fact]
    public void PrefixSet_OverlappingAndAdjacent_MergesWithoutLosingCoverage()
    {
        AddressPrefix[] prefixes = new[] { "10.0.0.0/25", "10.0.0.128/25", "10.0.0.0/8", "0.0.0.0/0", "fd00::/8", "::/0" }
            .Select(static text => AddressPrefix.TryParse(text, out AddressPrefix p, out _) ? p : throw new InvalidOperationException(text))
            .ToArray();
        var set = new PrefixSet(prefixes);
        Assert.True(set.Contains(AddressFamilies.Inet, Records.Tcp("255.255.255.255", 1, "1.1.1.1", 2).Original.Source));
        Assert.True(set.Contains(AddressFamilies.Inet6, Records.Tcp("ffff::1", 1, "::2", 2).Original.Source));
    }

    [Theory]
    [InlineData("mark", "010", "a leading zero means octal to conntrack (010 = 8)")]
    [InlineData("zone", "010", "write 8 or 10, or 0x hex")]
    [InlineData("dport", "70000", "is not a port number")]
    [InlineData("proto", "tcpp", "is not a protocol")]
    [InlineData("state", "ESTABLISH", "is not a connection state")]
    [InlineData("status", "ASSURD", "is not a status flag")]
    [InlineData("family", "ipx", "is not a family")]
    [InlineData("orig_ipv4_src", "fd00::1", "IPv4 only")]
    public void Parse_BadValue_NamesIt(string field, string text, string expected)
    {
        var error = Assert.Throws<FilterException>(() => FieldValues.Parse(FieldCatalog.Find(field)!, text));
        Assert.Contains($"'{text}'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void FromInteger_Ip2Long_IsTheAddress()
    {
        // PHP's ip2long("192.168.1.1") = 3232235777
        FilterTerm term = FieldValues.FromInteger(FieldCatalog.Find("orig_ipv4_src")!, 3232235777);
        Assert.Equal("192.168.1.1", term.Prefix.ToString());
    }

    [Theory]
    [InlineData("udp", "state", "ESTABLISHED", "state ESTABLISHED never matches proto udp: udp entries have no state")]
    [InlineData("icmp", "dport", "80", "needs a protocol with ports")]
    [InlineData("tcp", "state", "COOKIE_WAIT", "tcp states are SYN_SENT, SYN_RECV, ESTABLISHED")]
    public void FindContradiction_ImpossibleCombination_Explains(string protocol, string field, string value, string expected)
    {
        var spec = new FilterSpec()
            .Add(FieldCatalog.Protocol, FieldValues.Parse(FieldCatalog.Protocol, protocol))
            .Add(FieldCatalog.Find(field)!, FieldValues.Parse(FieldCatalog.Find(field)!, value));
        Assert.Contains(expected, spec.FindContradiction(static f => f.Name));
    }

    [Fact]
    public void FindContradiction_AddressesOfTwoFamilies_Explains()
    {
        var spec = new FilterSpec()
            .Add(FieldCatalog.OrigSrc, FieldValues.Parse(FieldCatalog.OrigSrc, "10.0.0.1"))
            .Add(FieldCatalog.OrigDst, FieldValues.Parse(FieldCatalog.OrigDst, "fd00::1"));
        Assert.Equal("orig_dst is an IPv6 address but orig_src is IPv4", spec.FindContradiction(static f => f.Name));
    }

    [Fact]
    public void KernelQueries_SingleValues_GoToTheKernel_ListsDoNot()
    {
        CompiledFilter single = new FilterSpec()
            .Add(FieldCatalog.Protocol, FieldValues.Parse(FieldCatalog.Protocol, "udp"))
            .Add(FieldCatalog.OrigPortDst, FieldValues.Parse(FieldCatalog.OrigPortDst, "53"))
            .Add(FieldCatalog.OrigSrc, FieldValues.Parse(FieldCatalog.OrigSrc, "10.0.0.1"))
            .Compile(ratesAvailable: false);
        DumpQuery query = Assert.Single(single.KernelQueries);
        Assert.Equal(AddressFamilies.Inet, query.Family); // implied by the address
        Assert.Equal((ushort)53, query.DestinationPort);
        Assert.NotNull(query.Source);

        CompiledFilter list = new FilterSpec()
            .Add(FieldCatalog.Protocol, FieldValues.Parse(FieldCatalog.Protocol, "udp"), FieldValues.Parse(FieldCatalog.Protocol, "tcp"))
            .Compile(ratesAvailable: false);
        Assert.All(list.KernelQueries, static q => Assert.Null(q.Protocol));
    }

    [Fact]
    public void Compile_RateWithoutRates_IsRefused()
    {
        var spec = new FilterSpec().Add(FieldCatalog.Rate, FilterTerm.Equal(0));
        Assert.Contains("two reads", Assert.Throws<FilterException>(() => spec.Compile(ratesAvailable: false)).Message);
    }
}
