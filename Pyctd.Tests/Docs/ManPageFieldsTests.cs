using System.Text.RegularExpressions;
using Pyctd.Domain.Fields;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Docs;

/// <summary>The man page's FIELDS section lists the field catalog: every field and alias, and nothing else.</summary>
public sealed partial class ManPageFieldsTests
{
    [Fact]
    public void FieldsSection_ListsExactlyTheCatalog()
    {
        string manPage = File.ReadAllText(Path.Combine(Repository.Root, "man", "pyctd.8"));
        int start = manPage.IndexOf("\n.SH FIELDS\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "man/pyctd.8 has no FIELDS section");
        int end = manPage.IndexOf("\n.SH ", start + 1, StringComparison.Ordinal);
        string section = manPage[start..end];

        var documented = new List<(string Name, string? Alias)>();
        foreach (Match entry in FieldEntry().Matches(section))
        {
            documented.Add((entry.Groups["name"].Value, entry.Groups["alias"].Success ? entry.Groups["alias"].Value : null));
        }

        Assert.Equal(
            FieldCatalog.All.Select(static f => (f.Name, f.Aliases.Count > 0 ? f.Aliases[0] : null)).ToArray(),
            documented.ToArray());
    }

    [GeneratedRegex(@"^\.TP\n\.BR? (?<name>[a-z0-9_]+)(?: "" \[(?<alias>[a-z0-9_]+)\]"")?$", RegexOptions.Multiline)]
    private static partial Regex FieldEntry();
}
