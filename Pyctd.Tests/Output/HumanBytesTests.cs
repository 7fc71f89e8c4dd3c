using System.Text;
using Pyctd.Output;

namespace Pyctd.Tests.Output;

public sealed class HumanBytesTests
{
    /// <summary>The table's BYTES column is 5 wide and fixed: nothing may be wider.</summary>
    private const int ColumnWidth = 5;

    private const ulong K = 1UL << 10;
    private const ulong M = 1UL << 20;
    private const ulong G = 1UL << 30;
    private const ulong T = 1UL << 40;
    private const ulong P = 1UL << 50;
    private const ulong E = 1UL << 60;

    [Theory]
    [InlineData(0UL, "0")]
    [InlineData(999UL, "999")]
    [InlineData(1023UL, "1023")]
    [InlineData(1024UL, "1.0K")]
    [InlineData(1536UL, "1.5K")]
    [InlineData(10_188UL, "9.9K")] // 9.949K
    [InlineData(10_189UL, "10K")] // 9.950K rounds to 10.0, shown without the decimal
    [InlineData(10_239UL, "10K")]
    [InlineData(500UL * M, "500M")]
    [InlineData(ulong.MaxValue, "16E")]
    public void Format_ByteCounts_ReadLikeLsH(ulong bytes, string expected) => Assert.Equal(expected, Format(bytes));

    /// <summary>
    /// At every unit boundary: one unit, the largest count that still rounds below 1024 of the unit
    /// under it, and the smallest that rounds up to 1024 of it, which must read as 1.0 of the next
    /// unit ("1.0M", never "1024K", which would also be too wide for the column).
    /// </summary>
    [Theory]
    [InlineData(K, "1.0K")]
    [InlineData(M, "1.0M")]
    [InlineData(G, "1.0G")]
    [InlineData(T, "1.0T")]
    [InlineData(P, "1.0P")]
    [InlineData(E, "1.0E")]
    [InlineData(M - 1, "1.0M")] // 1023.999K
    [InlineData(G - 1, "1.0G")]
    [InlineData(T - 1, "1.0T")]
    [InlineData(P - 1, "1.0P")]
    [InlineData(E - 1, "1.0E")]
    [InlineData((1023 * K) + (K / 2), "1.0M")] // exactly 1023.5K rounds away from zero
    [InlineData((1023 * K) + (K / 2) - 1, "1023K")]
    [InlineData((1023 * M) + (M / 2), "1.0G")]
    [InlineData((1023 * M) + (M / 2) - 1, "1023M")]
    [InlineData((1023 * G) + (G / 2), "1.0T")]
    [InlineData((1023 * G) + (G / 2) - 1, "1023G")]
    [InlineData((1023 * T) + (T / 2), "1.0P")]
    [InlineData((1023 * T) + (T / 2) - 1, "1023T")]
    [InlineData((1023 * P) + (P / 2), "1.0E")]
    [InlineData((1023 * P) + (P / 2) - 1, "1023P")]
    public void Format_AtUnitBoundaries_PromotesAfterRounding(ulong bytes, string expected) => Assert.Equal(expected, Format(bytes));

    [Fact]
    public void Format_AroundEveryPowerOf1024_FitsTheTableColumn()
    {
        var tooWide = new List<string>();
        for (int shift = 10; shift <= 60; shift += 10)
        {
            ulong unit = 1UL << shift;
            for (ulong offset = 0; offset <= unit / 100; offset += Math.Max(1, unit / 100_000))
            {
                foreach (ulong bytes in new[] { unit - offset, unit + offset, (1023 * (unit >> 10)) + offset })
                {
                    string text = Format(bytes);
                    if (text.Length > ColumnWidth)
                    {
                        tooWide.Add($"{bytes} -> {text}");
                    }
                }
            }
        }

        Assert.True(tooWide.Count == 0, "wider than the BYTES column: " + string.Join(", ", tooWide.Take(10)));
    }

    private static string Format(ulong bytes)
    {
        Span<byte> text = stackalloc byte[32];
        int length = HumanBytes.Format(bytes, text);
        return Encoding.ASCII.GetString(text[..length]);
    }
}
