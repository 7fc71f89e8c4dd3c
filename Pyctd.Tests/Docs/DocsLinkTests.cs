using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Docs;

/// <summary>The README and docs/ point at each other, at the man page and at files of the checkout; no link may lead nowhere.</summary>
public sealed partial class DocsLinkTests
{
    public static TheoryData<string> Documents()
    {
        var documents = new TheoryData<string> { "README.md" };
        foreach (string file in Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            documents.Add("docs/" + Path.GetFileName(file));
        }

        return documents;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_EveryRelativeLink_LeadsToAFileAndHeadingThatExist(string document)
    {
        string path = Path.Combine(Repository.Root, document);
        string text = File.ReadAllText(path);
        var broken = new List<string>();
        int links = 0;
        foreach (Match link in Link().Matches(WithoutCode(text)))
        {
            string target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            links++;
            int hash = target.IndexOf('#', StringComparison.Ordinal);
            string file = hash < 0 ? target : target[..hash];
            string? anchor = hash < 0 ? null : target[(hash + 1)..];
            string resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor is not null && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
            {
                broken.Add($"{target}: no heading '#{anchor}' in {file}");
            }
        }

        Assert.True(links > 0 || document != "README.md", "README.md has no relative links at all: the link pattern is wrong");
        Assert.True(broken.Count == 0, $"{document}: " + string.Join("; ", broken));
    }

    [Fact]
    public void Anchors_AreGitHubsHeadingSlugs()
    {
        string[] anchors = Anchors("# Read more\n## serve: the XML-RPC API\n### The README's one-liners\n```sh\n# a comment, not a heading\n```\n").ToArray();
        Assert.Equal(["read-more", "serve-the-xml-rpc-api", "the-readmes-one-liners"], anchors);
    }

    /// <summary>The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as dashes.</summary>
    internal static IEnumerable<string> Anchors(string markdown) =>
        Heading().Matches(WithoutCode(markdown))
            .Select(static heading => Unwanted().Replace(heading.Groups["title"].Value.Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-'));

    /// <summary>Fenced blocks hold shell comments that look like headings, and brackets that look like links.</summary>
    private static string WithoutCode(string markdown) => Fence().Replace(markdown, string.Empty);

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} +(?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex Unwanted();

    [GeneratedRegex(@"^```.*?^```[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
