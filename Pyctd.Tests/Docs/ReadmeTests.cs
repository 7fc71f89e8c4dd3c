using Pyctd.Tests.Support;

namespace Pyctd.Tests.Docs;

/// <summary>The README's quick start is what new machines and CI run; it must stay first and stay true.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Readme_FirstCommands_AreMakeRunThenMakeTest()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));
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
}
