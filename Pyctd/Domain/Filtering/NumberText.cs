using System.Globalization;

namespace Pyctd.Domain.Filtering;

/// <summary>
/// Numbers as users type them: decimal or 0x hex. A leading zero ("010") is refused: conntrack(8)
/// reads it as octal (8) and most people as decimal (10), and a filter that kills is no place to guess.
/// </summary>
internal static class NumberText
{
    public const string AmbiguousProblem =
        "is ambiguous: conntrack reads a leading zero as octal; write the number without it, or in 0x hex";

    /// <param name="ambiguous">Set when the text failed only for its leading zero.</param>
    public static bool TryParse(ReadOnlySpan<char> text, ulong max, out ulong value, out bool ambiguous)
    {
        text = text.Trim();
        value = 0;
        ambiguous = false;
        bool parsed;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            parsed = text.Length > 2 && ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        else if (text.Length > 1 && text[0] == '0' && char.IsAsciiDigit(text[1]))
        {
            ambiguous = true;
            return false;
        }
        else
        {
            parsed = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        return parsed && value <= max;
    }

    public static bool TryParseUInt32(ReadOnlySpan<char> text, out uint value)
    {
        bool ok = TryParse(text, uint.MaxValue, out ulong wide, out bool _);
        value = (uint)wide;
        return ok;
    }
}
