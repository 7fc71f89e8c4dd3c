using System.Text;
using Pyctd.Output;

namespace Pyctd.Tests.Output;

public sealed class HumanBytesTests
{
    [Theory]
    [InlineData(0UL, "0")]
    [InlineData(999UL, "999")]
    [InlineData(1023UL, "1023")]
    [InlineData(1024UL, "1.0K")]
    [InlineData(1536UL, "1.5K")]
    [InlineData(10_239UL, "10K")]
    [InlineData(1_048_576UL, "1.0M")]
    [InlineData(500UL * 1024 * 1024, "500M")]
    [InlineData(ulong.MaxValue, "16E")]
    public void Format_ByteCounts_ReadLikeLsH(ulong bytes, string expected)
    {
        Span<byte> text = stackalloc byte[32];
        int length = HumanBytes.Format(bytes, text);
        Assert.Equal(expected, Encoding.ASCII.GetString(text[..length]));
    }
}
