using Pyctd.Domain.Fields;
using Pyctd.Domain.Filtering;

namespace Pyctd.Tests.Domain;

/// <summary>An address as PHP's ip2long integer in decimal text selects what the integer selects (issue 10).</summary>
public sealed class AddressIntegerTextTests
{
    [Theory]
    [InlineData("orig_src", "3232237321", "192.168.7.9")]
    [InlineData("orig_ipv4_src", "3232237321", "192.168.7.9")]
    [InlineData("orig_dst", "-1062729975", "192.168.7.9")] // 32-bit PHP's ip2long: the same 32 bits
    [InlineData("orig_dst", "2130706433/8", "127.0.0.1/8")]
    [InlineData("orig_src", "0", "0.0.0.0")]
    [InlineData("orig_src", "4294967295", "255.255.255.255")]
    public void Parse_DecimalText_IsTheAddress(string field, string text, string expected)
    {
        ConntrackField address = FieldCatalog.Find(field)!;
        Assert.Equal(expected, FieldValues.Parse(address, text).Prefix.ToString());
    }

    [Fact]
    public void Parse_DecimalText_EqualsTheInteger()
    {
        ConntrackField address = FieldCatalog.Find("orig_ipv4_src")!;
        Assert.Equal(FieldValues.FromInteger(address, 3232237321).Prefix.ToString(), FieldValues.Parse(address, "3232237321").Prefix.ToString());
    }

    [Theory]
    [InlineData("4294967296")]
    [InlineData("-2147483649")]
    [InlineData("0100")]
    public void Parse_DecimalTextOutOfRange_IsRefusedNamingIt(string text)
    {
        var error = Assert.Throws<FilterException>(() => FieldValues.Parse(FieldCatalog.Find("orig_src")!, text));
        Assert.Contains($"'{text}'", error.Message);
    }
}
