using System.Text;
using System.Text.RegularExpressions;
using Pyctd.Serve.WebConsole;

namespace Pyctd.Tests.Serve.WebConsole;

/// <summary>The console as embedded in the binary: complete, small, and writing kernel values only as text.</summary>
public sealed partial class ConsoleAssetsTests
{
    private static readonly ConsoleAssets s_assets = ConsoleAssets.Embedded;

    private static string IndexText => Encoding.UTF8.GetString(s_assets.Index.Identity);

    private static IEnumerable<(string Name, string Text)> Scripts =>
        s_assets.Names.Where(static n => n.EndsWith(".js", StringComparison.Ordinal))
            .Select(static n => (n, Encoding.UTF8.GetString(s_assets.Find(n)!.Identity)));

    [Fact]
    public void Index_NamesOnlyFilesOfTheHashedDirectory_AndEveryOneIsEmbedded()
    {
        string[] references = ReferencePattern().Matches(IndexText).Select(static m => m.Groups[1].Value).ToArray();

        Assert.NotEmpty(references);
        Assert.DoesNotContain("@ASSETS@", IndexText);
        foreach (string reference in references)
        {
            Assert.StartsWith($"console/{s_assets.Version}/", reference);
            Assert.NotNull(s_assets.Find(reference[$"console/{s_assets.Version}/".Length..]));
        }
    }

    [Fact]
    public void Modules_ImportOnlyEmbeddedFiles()
    {
        foreach (var (name, text) in Scripts)
        {
            foreach (Match import in ImportPattern().Matches(text))
            {
                Assert.True(s_assets.Find(import.Groups[1].Value) is not null, $"{name} imports {import.Groups[1].Value}, which is not embedded");
            }
        }
    }

    [Fact]
    public void WholeConsole_Gzip_IsAtMost100KiB()
    {
        long total = s_assets.Index.Gzip.Length + s_assets.Names.Sum(static n => (long)s_assets.Find(n)!.Gzip.Length);

        Assert.InRange(total, 1, 100 * 1024);
    }

    [Fact]
    public void Page_HasNoInlineScriptOrStyle_SoTheStrictPolicyHolds()
    {
        Assert.DoesNotContain("<style", IndexText);
        Assert.DoesNotContain(" style=", IndexText);
        Assert.DoesNotContain("<script>", IndexText);
        Assert.DoesNotMatch(@"\son[a-z]+=", IndexText); // no onclick= handlers
        Assert.DoesNotContain("'unsafe-", SecurityHeaders.ContentSecurityPolicy);
        Assert.Contains("default-src 'self'", SecurityHeaders.ContentSecurityPolicy);
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy);
    }

    [Fact]
    public void Scripts_NeverParseTextAsHtmlOrCode()
    {
        // Kernel values (helper names, labels, addresses) go into the page with textContent only.
        string[] forbidden = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'", ".style."];
        foreach (var (name, text) in Scripts)
        {
            foreach (string construct in forbidden)
            {
                Assert.False(text.Contains(construct, StringComparison.Ordinal), $"{name} uses {construct}");
            }
        }
    }

    [Fact]
    public void ETags_DifferPerFile_AndGzipIsSmaller()
    {
        ConsoleAsset main = s_assets.Find("main.js")!;

        Assert.NotEqual(s_assets.Index.ETag, main.ETag);
        Assert.True(main.Immutable);
        Assert.False(s_assets.Index.Immutable);
        Assert.True(main.Gzip.Length < main.Identity.Length);
        Assert.StartsWith("text/javascript", main.ContentType);
    }

    [GeneratedRegex("(?:src|href)=\"(console/[^\"]+)\"")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"from '\./([^']+)'")]
    private static partial Regex ImportPattern();
}
