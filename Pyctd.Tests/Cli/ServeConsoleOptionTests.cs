using Pyctd.Cli;

namespace Pyctd.Tests.Cli;

/// <summary>`serve --no-console` and `console = false` in the configuration file.</summary>
public sealed class ServeConsoleOptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pyctd-console-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Pyctd.Serve.ServeSettings Build(string config, params string[] arguments)
    {
        string path = Path.Combine(_directory, "pyctd.conf");
        File.WriteAllText(path, config);
        string[] args = ["serve", "--config", path, "--auth", "none", .. arguments];
        var result = PyctdCli.CreateRoot(args).Parse(args);
        return ServeCommand.Build(result);
    }

    [Fact]
    public void Console_ByDefault_IsOn() => Assert.True(Build(string.Empty).Console);

    [Fact]
    public void NoConsole_OnTheCommandLine_TurnsItOff() => Assert.False(Build(string.Empty, "--no-console").Console);

    [Theory]
    [InlineData("console = false", false)]
    [InlineData("console = no", false)]
    [InlineData("console = true", true)]
    public void ConsoleKey_InTheConfigFile_IsObeyed(string line, bool expected) => Assert.Equal(expected, Build(line).Console);

    [Fact]
    public void NoConsole_OverridesTheConfigFile() => Assert.False(Build("console = true", "--no-console").Console);
}
