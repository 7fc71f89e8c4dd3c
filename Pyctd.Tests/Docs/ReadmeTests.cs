using Pyctd.Tests.Support;

namespace Pyctd.Tests.Docs;

/// <summary>
/// The README's quick start is what new machines and CI run; it must stay first and stay true.
/// The README is an overview: the reference is man/pyctd.8, the rest lives in docs/.
/// </summary>
public sealed class ReadmeTests
{
    /// <summary>About 150 lines were asked for; this leaves room without letting the manual grow back in.</summary>
    private const int MaxLines = 200;

    [Fact]
    public void Readme_FirstCommands_AreMakeRunThenMakeTest()
    {
        string[] lines = Readme.Lines;
        int fence = Array.FindIndex(lines, static line => line.StartsWith("```", StringComparison.Ordinal));
        Assert.True(fence >= 0, "README.md has no code block");

        string[] commands = lines.Skip(fence + 1)
            .TakeWhile(static line => !line.StartsWith("```", StringComparison.Ordinal))
            .Where(static line => line.Trim().Length > 0)
            .Take(2)
            .ToArray();
        Assert.Equal(2, commands.Length);
        Assert.StartsWith("make run ", commands[0], StringComparison.Ordinal);
        Assert.StartsWith("make test ", commands[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("test")]
    public void Makefile_QuickStartTarget_Exists(string target)
    {
        string[] makefile = File.ReadAllLines(Path.Combine(Repository.Root, "Makefile"));
        Assert.Contains(makefile, line => line.StartsWith(target + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_IsAnOverview_ThatLinksTheManPageAndEveryDoc()
    {
        Assert.True(Readme.Lines.Length <= MaxLines, $"README.md has {Readme.Lines.Length} lines; keep it under {MaxLines} and move details to docs/ or man/pyctd.8");

        string text = string.Join('\n', Readme.Lines);
        string[] targets = ["man/pyctd.8", .. Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md")
            .Select(static file => "docs/" + Path.GetFileName(file))
            .Order(StringComparer.Ordinal)];
        Assert.Contains("docs/development.md", targets); // the docs folder was found and read
        Assert.All(targets, target => Assert.True(text.Contains($"]({target})", StringComparison.Ordinal), $"README.md does not link {target}"));
    }

    /// <summary>What the live one-liner test (<see cref="ReadmeOneLinerTests"/>) needs of the block, checked without a kernel.</summary>
    [Fact]
    public void Readme_RunnableOneLiners_CoverEveryTableCommandAndLeaveTheNamespaceToTheTest()
    {
        string[] oneLiners = Readme.RunnableOneLiners();

        Assert.All(oneLiners, static line => Assert.StartsWith("pyctd ", line, StringComparison.Ordinal));
        Assert.All(oneLiners, static line => Assert.DoesNotMatch(@"(^|\s)(--netns|-n)(\s|=|$)", line));
        string[] commands = oneLiners.Select(static line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).ToArray();
        Assert.All(["list", "kill", "mark", "timeout"], command => Assert.Contains(command, commands));
        Assert.True(oneLiners.Length >= 10, $"only {oneLiners.Length} runnable one-liners");
    }
}
