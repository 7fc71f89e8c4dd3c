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
    /// <summary>A u32 written in decimal or 0x hex (marks, timeouts, ids); "010" is not one. The same rules as filter values.</summary>
    public static bool TryParseUInt32(string text, out uint value) => Domain.Filtering.NumberText.TryParseUInt32(text, out value);

    /// <summary>The error for a number written with a leading zero, or null (<see cref="Domain.Filtering.NumberText.LeadingZeroError"/>).</summary>
    public static string? LeadingZeroError(string text) => Domain.Filtering.NumberText.LeadingZeroError(text);

    /// <summary>
    /// An enum member by its name, in any case ("json", "JSON"), never by its number: Enum.TryParse
    /// alone would take "2" as a member.
    /// </summary>
    public static bool TryParseName<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum => Enum.TryParse(text, ignoreCase: true, out value) && !int.TryParse(text, out _);

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

    /// <summary>
    /// The option's last value read by a parser of the shared domain (a sort field, a group key),
    /// whose <see cref="Domain.Filtering.FilterException"/> becomes the option's error, after the
    /// option's name when <paramref name="nameOption"/>.
    /// </summary>
    public static T? FromDomain<T>(ArgumentResult result, Func<string, T> parse, bool nameOption = true)
    {
        try
        {
            return parse(result.Tokens[^1].Value);
        }
        catch (Domain.Filtering.FilterException bad)
        {
            result.AddError(nameOption ? $"{((OptionResult)result.Parent!).Option.Name}: {bad.Message}" : bad.Message);
            return default;
        }
    }

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
