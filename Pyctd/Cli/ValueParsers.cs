using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Pyctd.Cli;

/// <summary>
/// Option value parsers: each names the offending text in its error, which makes the exit code 2.
/// Numbers are decimal or 0x hex. A decimal number with a leading zero ("010") is refused everywhere:
/// conntrack(8) reads it as octal (mark 8, zone 8), and a pasted conntrack command must not quietly
/// select other entries than it did there (docs/decisions.md, "Command line").
/// </summary>
internal static class ValueParsers
{
    /// <summary>A u32 written in decimal or 0x-hex (marks, timeouts, ids); "010" is not one.</summary>
    public static bool TryParseUInt32(string text, out uint value)
    {
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && text.Length > 2;
        }

        value = 0;
        return !HasLeadingZero(text) && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// The error for a value with a decimal number written with a leading zero, in any of its
    /// '/'-separated parts (VALUE/MASK, ADDR/PREFIX), or null when there is none.
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
                return $"'{text}': a leading zero means octal to conntrack{(asOctal is null ? string.Empty : $" ({number} = {asOctal})")}, "
                    + $"so pyctd refuses it; write {choices}, or 0x hex";
            }
        }

        return null;
    }

    /// <summary>Two or more decimal digits, the first a 0: what strtoul(..., 0) takes for octal.</summary>
    private static bool HasLeadingZero(string text) =>
        text.Length > 1 && text[0] == '0' && text.All(char.IsAsciiDigit);

    /// <summary>A parser for an option's value; a number with a leading zero is refused before <paramref name="parse"/> sees it.</summary>
    public static Func<ArgumentResult, T?> Struct<T>(string what, TryParse<T> parse)
        where T : struct => result =>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (LeadingZeroError(text) is string leadingZero)
        {
            result.AddError(leadingZero);
            return null;
        }

        if (parse(text, out T value, out string? error))
        {
            return value;
        }

        result.AddError(error ?? $"'{text}' is not a valid {what}");
        return null;
    };

    public delegate bool TryParse<T>(string text, out T value, out string? error);

    public static bool Port(string text, out ushort port, out string? error)
    {
        error = null;
        if (ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            return true;
        }

        error = $"'{text}' is not a port number (0-65535)";
        return false;
    }

    public static bool Zone(string text, out ushort zone, out string? error)
    {
        error = null;
        if (ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out zone))
        {
            return true;
        }

        error = $"'{text}' is not a zone (0-65535)";
        return false;
    }

    public static bool Id(string text, out uint id, out string? error)
    {
        error = null;
        if (TryParseUInt32(text, out id))
        {
            return true;
        }

        error = $"'{text}' is not a connection id (0-4294967295)";
        return false;
    }

    public static bool Positive(string text, out int value, out string? error)
    {
        error = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0)
        {
            return true;
        }

        error = $"'{text}' is not a positive number";
        return false;
    }

    public static bool NonNegative(string text, out int value, out string? error)
    {
        error = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        error = $"'{text}' is not a non-negative number";
        return false;
    }
}
