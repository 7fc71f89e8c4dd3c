using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Pyctd.Conntrack;
using Pyctd.Output;

namespace Pyctd.Tests.Output;

public sealed partial class AddressTextTests
{
    [Theory]
    [InlineData("::2", "::2")]
    [InlineData("::1", "::1")]
    [InlineData("::", "::")]
    [InlineData("1::", "1::")]
    [InlineData("::1.2.3.4", "::1.2.3.4")]
    [InlineData("::ffff:1.2.3.4", "::ffff:1.2.3.4")]
    [InlineData("::ffff:0:1.2.3.4", "::ffff:0:102:304")]
    [InlineData("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0")]
    [InlineData("fd00:5ce:0:0:1::2", "fd00:5ce::1:0:0:2")]
    [InlineData("1:0:0:2:0:0:0:3", "1:0:0:2::3")]
    [InlineData("0:0:0:0:0:1:0:0", "::1:0:0")]
    [InlineData("::0.0.1.0", "::100")]
    [InlineData("FD00:ABCD::0DB8", "fd00:abcd::db8")]
    public void FormatIPv6_KnownForms_MatchGlibcInetNtop(string input, string expected) => Assert.Equal(expected, Format6(IPAddress.Parse(input).GetAddressBytes()));

    [Fact]
    public void FormatIPv6_RandomAddressesWithZeroRuns_MatchLibcInetNtop()
    {
        var random = new Random(1234);
        var bytes = new byte[16];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(bytes);
            // Zero out random groups so compression and embedded-IPv4 rules are exercised.
            for (int group = 0; group < 8; group++)
            {
                if (random.Next(3) > 0)
                {
                    bytes[2 * group] = 0;
                    bytes[(2 * group) + 1] = 0;
                }
            }

            if (random.Next(8) == 0)
            {
                bytes[10] = bytes[11] = 0xff;
            }

            Assert.Equal(LibcInetNtop6(bytes), Format6(bytes));
        }
    }

    [Theory]
    [InlineData(new byte[] { 127, 0, 0, 1 }, "127.0.0.1")]
    [InlineData(new byte[] { 0, 0, 0, 0 }, "0.0.0.0")]
    [InlineData(new byte[] { 255, 255, 255, 255 }, "255.255.255.255")]
    [InlineData(new byte[] { 10, 200, 3, 45 }, "10.200.3.45")]
    public void FormatIPv4_Addresses_AreDottedQuads(byte[] address, string expected)
    {
        AddressBytes raw = default;
        address.CopyTo(raw);
        Span<byte> text = stackalloc byte[AddressText.MaxLength];
        int length = AddressText.Format(AddressFamilies.Inet, raw, text);
        Assert.Equal(expected, Encoding.ASCII.GetString(text[..length]));
    }

    private static string Format6(byte[] address)
    {
        AddressBytes raw = default;
        address.CopyTo(raw);
        Span<byte> text = stackalloc byte[AddressText.MaxLength];
        int length = AddressText.Format(AddressFamilies.Inet6, raw, text);
        return Encoding.ASCII.GetString(text[..length]);
    }

    private static unsafe string LibcInetNtop6(byte[] address)
    {
        byte* text = stackalloc byte[64];
        fixed (byte* source = address)
        {
            nint result = inet_ntop(10, source, text, 64);
            Assert.NotEqual(0, result);
        }

        return Marshal.PtrToStringUTF8((nint)text)!;
    }

    [LibraryImport("libc.so.6")]
    private static unsafe partial nint inet_ntop(int family, byte* source, byte* destination, uint size);
}
