using System.Text.RegularExpressions;

namespace Pyctd.Tests.Support;

/// <summary>Makes `conntrack -L` lines comparable across two dumps taken a moment apart.</summary>
internal static partial class ConntrackText
{
    /// <summary>Masks what changes between two reads of the same entry: the remaining timeout and delta-time.</summary>
    public static string Normalize(string line) =>
        DeltaTime().Replace(Timeout().Replace(line, "${head}T "), "delta-time=D");

    public static string[] NormalizeAll(IEnumerable<string> lines) => lines.Select(Normalize).ToArray();

    public static string[] Sorted(IEnumerable<string> lines) => NormalizeAll(lines).Order(StringComparer.Ordinal).ToArray();

    [GeneratedRegex(@"^(?<head>\S+ +\d+ )\d+ ")]
    private static partial Regex Timeout();

    [GeneratedRegex(@"delta-time=\d+")]
    private static partial Regex DeltaTime();
}
