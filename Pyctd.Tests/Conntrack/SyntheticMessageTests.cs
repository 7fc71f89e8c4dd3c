using Pyctd.Conntrack;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Conntrack;

/// <summary>
/// ctnetlink messages built by hand for what the lab's kernel cannot produce (DCCP and SCTP
/// states, helpers, labels, secmark, stop timestamps, 32-bit counters, truncated helper names),
/// each parsed and formatted by pyctd and by libnetfilter_conntrack, which must agree.
/// </summary>
public sealed class SyntheticMessageTests
{
    private static void AssertSameAsLibrary(byte[] message)
    {
        var comparer = new LibraryComparer();
        comparer.Handle(message);
        Assert.True(comparer.Mismatches.Count == 0, string.Join("\n", comparer.Mismatches));
        Assert.Equal(1, comparer.Compared);
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)1)]
    [InlineData((byte)4)]
    [InlineData((byte)7)]
    [InlineData((byte)9)]
    [InlineData((byte)42)]
    public void Dccp_EveryState_FormatsAsTheLibraryDoes(byte state) =>
        AssertSameAsLibrary(SyntheticMessages.Build(AddressFamilies.Inet, b => b.Tuple(IpProtocols.Dccp, "10.0.0.1", 5000, "10.0.0.2", 6000).State(Cta.PROTOINFO_DCCP, state)));

    [Theory]
    [InlineData((byte)1)]
    [InlineData((byte)3)]
    [InlineData((byte)8)]
    [InlineData((byte)9)]
    [InlineData((byte)77)]
    public void Sctp_EveryState_FormatsAsTheLibraryDoes(byte state) =>
        AssertSameAsLibrary(SyntheticMessages.Build(AddressFamilies.Inet6, b => b.Tuple(IpProtocols.Sctp, "fd00::1", 36412, "fd00::2", 36412).State(Cta.PROTOINFO_SCTP, state)));

    [Theory]
    [InlineData((byte)3)]
    [InlineData((byte)9)]
    [InlineData((byte)10)]
    [InlineData((byte)200)]
    public void Tcp_StatesIncludingOutOfRange_FormatAsTheLibraryDoes(byte state) =>
        AssertSameAsLibrary(SyntheticMessages.Build(AddressFamilies.Inet, b => b.Tuple(IpProtocols.Tcp, "10.0.0.1", 1, "10.0.0.2", 2).State(Cta.PROTOINFO_TCP, state)));

    [Fact]
    public void EveryOptionalAttribute_ParsesAsTheLibraryDoes() =>
        AssertSameAsLibrary(SyntheticMessages.EveryOptionalAttribute());

    [Fact]
    public void LongHelperName_IsCutLikeTheLibraryCutsIt() =>
        AssertSameAsLibrary(SyntheticMessages.Build(AddressFamilies.Inet, b => b.Tuple(IpProtocols.Udp, "10.0.0.1", 1, "10.0.0.2", 2).Helper("a-very-long-helper-name")));

    [Fact]
    public void GreIcmpv6AndUnknownProtocols_ParseAsTheLibraryDoes()
    {
        AssertSameAsLibrary(SyntheticMessages.Build(AddressFamilies.Inet, b => b.Tuple(IpProtocols.Gre, "10.0.0.1", 0xabcd, "10.0.0.2", 0x1)));
        AssertSameAsLibrary(SyntheticMessages.Build(AddressFamilies.Inet6, b => b.Icmp(IpProtocols.IcmpV6, "::ffff:1.2.3.4", "fe80::1", 128, 0, 4711)));
        AssertSameAsLibrary(SyntheticMessages.Build(AddressFamilies.Inet, b => b.Tuple(99, "10.0.0.1", 0, "10.0.0.2", 0)));
    }
}
