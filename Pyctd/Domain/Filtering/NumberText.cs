using System.Globalization;

namespace Pyctd.Domain.Filtering;

/// <summary>
/// Numbers as users type them: decimal or 0x hex. A decimal number with a leading zero ("010") is
/// refused everywhere (command line, config file, XML-RPC strings): conntrack(8) reads it as octal
/// (mark 8, zone 8), and a pasted conntrack command must not quietly select other entries than it
/// did there.
/// </summary>
internal static class NumberText
{
    public static bool TryParse(ReadOnlySpan<char> text, ulong max, out ulong value)
    {
        text = text.Trim();
        value = 0;
        bool parsed = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? text.Length > 2 && ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : !HasLeadingZero(text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return parsed && value <= max;
    }

    public static bool TryParseUInt32(ReadOnlySpan<char> text, out uint value)
    {
        bool parsed = TryParse(text, uint.MaxValue, out ulong wide);
        value = (uint)wide;
        return parsed;
    }

    /// <summary>
    /// The error for a value with a decimal number written with a leading zero, in any of its
    /// '/'-separated parts (VALUE/MASK, ADDR/PREFIX), naming both readings; null when there is none.
    /// </summary>
    public static string? LeadingZeroError(string text)
    {
        foreach (string part in text.Split('/'))
        {
            string number = part.Trim();
            if (HasLeadingZero(number))
            {
                string asDecimal = number.TrimStart('0') is { Length: > 0 } digits ? digits : "0";
                string? asOctal = number.Length <= 12 && number.All(static c => c is >= '0' and <= '7')
                    ? Convert.ToUInt64(number, 8).ToString(CultureInfo.InvariantCulture)
                    : null;
                string choices = asOctal is null || asOctal == asDecimal ? asDecimal : $"{asOctal} or {asDecimal}";
                return $"'{MessageText.Escape(text)}': a leading zero means octal to conntrack{(asOctal is null ? string.Empty : $" ({number} = {asOctal})")}, "
                    + $"so pyctd refuses it; write {choices}, or 0x hex";
            }
        }

        return null;
    }

    /// <summary>Two or more decimal digits, the first a 0: what strtoul(..., 0) takes for octal.</summary>
    private static bool HasLeadingZero(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[0] != '0')
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
