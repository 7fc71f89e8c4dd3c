using System.CommandLine;
using Pyctd.Cli;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Cli;

/// <summary>The root builds only the command the arguments name; finding it must skip the global options and their values.</summary>
public sealed class LazyCommandTests
{
    private static readonly LazyCommand[] s_commands =
    [
        new("list", static () => new Command("list"), "ls"),
        new("kill", static () => new Command("kill")),
    ];

    [Theory]
    [InlineData("list", "list", "-c")]
    [InlineData("list", "ls")]
    [InlineData("list", "-n", "kill", "list")]
    [InlineData("list", "--netns", "kill", "-v", "list")]
    [InlineData("kill", "--netns=list", "kill", "--all")]
    [InlineData("kill", "--verbose", "kill", "list")]
    public void Named_AfterGlobalOptions_FindsTheCommand(string expected, params string[] args) =>
        Assert.Equal(expected, LazyCommand.Named(s_commands, args)?.Name);

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("--version")]
    [InlineData("frob", "list")]
    [InlineData("-n", "lab")]
    [InlineData("@arguments.rsp")]
    public void Named_NoCommandFirst_IsNull(params string[] args) =>
        Assert.Null(LazyCommand.Named(s_commands, args));

    [Fact]
    public void StandIn_AnswersToTheAliases()
    {
        Command standIn = s_commands[0].StandIn();
        Assert.Equal("list", standIn.Name);
        Assert.Contains("ls", standIn.Aliases);
        Assert.Empty(standIn.Options);
    }

    [Fact]
    public void RootHelp_BuildsEveryCommandForItsSummary()
    {
        ProcessResult result = PyctdProcess.Run("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("List the kernel's connection tracking table.", result.Stdout);
        Assert.Contains("Manage the users of 'pyctd serve --auth file'.", result.Stdout);
    }

    [Fact]
    public void AliasAfterGlobalOptions_BuildsTheFullCommand()
    {
        ProcessResult result = PyctdProcess.Run("-v", "--netns", "lab", "ls", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--sort", result.Stdout);
    }
}
