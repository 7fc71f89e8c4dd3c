using System.Net;
using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;

namespace Pyctd.Tests.Domain;

public sealed class AddressPrefixTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.128/25", "192.168.1.200", true)]
    [InlineData("192.168.1.128/25", "192.168.1.127", false)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    [InlineData("fd00::/64", "fd00::1", true)]
    [InlineData("fd00::/64", "fd00:0:0:1::1", false)]
    [InlineData("fd00:5ce::/33", "fd00:5ce:7fff::1", true)]
    [InlineData("fd00:5ce::/33", "fd00:5ce:8000::1", false)]
    [InlineData("::1", "::1", true)]
    public void Matches_AddressAgainstPrefix_ComparesOnlyPrefixBits(string prefix, string address, bool expected)
    {
        Assert.True(AddressPrefix.TryParse(prefix, out AddressPrefix parsed, out _));
        var ip = IPAddress.Parse(address);
        AddressBytes bytes = default;
        ip.TryWriteBytes(bytes, out _);
        byte family = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AddressFamilies.Inet6 : AddressFamilies.Inet;
        Assert.Equal(expected, parsed.Matches(family, bytes));
    }

    [Fact]
    public void Matches_OtherFamily_IsFalse()
    {
        Assert.True(AddressPrefix.TryParse("0.0.0.0/0", out AddressPrefix any4, out _));
        AddressBytes v6 = default;
        Assert.False(any4.Matches(AddressFamilies.Inet6, v6));
    }

    [Theory]
    [InlineData("10.0.0.1/33", "longer than 32")]
    [InlineData("fd00::/129", "longer than 128")]
    [InlineData("10.0.0", "not an IPv4 or IPv6 address")]
    [InlineData("1", "not an IPv4 or IPv6 address")]
    [InlineData("example.org", "not an IPv4 or IPv6 address")]
    [InlineData("10.0.0.1/x", "bad prefix length")]
    [InlineData("fe80::1%eth0", "not an IPv4 or IPv6 address")]
    public void TryParse_BadText_NamesTheProblem(string text, string expected)
    {
        Assert.False(AddressPrefix.TryParse(text, out _, out string? error));
        Assert.Contains(text, error);
        Assert.Contains(expected, error);
    }
}
