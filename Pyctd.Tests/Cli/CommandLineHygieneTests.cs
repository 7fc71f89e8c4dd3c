using Pyctd.Tests.Support;

namespace Pyctd.Tests.Cli;

/// <summary>
/// Usage errors are one line, with what the user typed made visible, and exit 2 before any table
/// is touched. They run in an empty network namespace: were one of them to get through, it would
/// see an empty table, not the host's.
/// </summary>
public sealed class CommandLineHygieneTests
{
    private static void AssertOneLineUsageError(ProcessResult result, params string[] expected)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Matches(@"^pyctd: [^\n]*\n$", result.Stderr);
        foreach (string text in expected)
        {
            Assert.Contains(text, result.Stderr);
        }
    }

    [Theory]
    [InlineData("list", "-m", "010")]
    [InlineData("list", "-w", "010")]
    [InlineData("list", "-m", "0x10/0377")]
    [InlineData("kill", "--id", "010")]
    [InlineData("kill", "012")]
    [InlineData("mark", "010", "--all")]
    [InlineData("timeout", "010", "--all")]
    [InlineData("list", "--dport", "080")]
    public void LeadingZero_IsOctalToConntrack_ExitsTwo(params string[] arguments) =>
        AssertOneLineUsageError(PyctdProcess.RunInEmptyNamespace(arguments), "a leading zero means octal to conntrack");

    [Fact]
    public void LeadingZero_TheMessageNamesBothReadings()
    {
        ProcessResult result = PyctdProcess.RunInEmptyNamespace("list", "-m", "010");
        AssertOneLineUsageError(result, "'010'", "(010 = 8)", "write 8 or 10, or 0x hex");
    }

    [Theory]
    [InlineData("list", "-m", "0", "-c")]
    [InlineData("list", "-m", "0x010/0x0ff", "-c")]
    [InlineData("list", "-w", "0", "-c")]
    [InlineData("list", "--dport", "0", "-c")]
    public void ZeroAloneAndHex_AreNumbers(params string[] arguments)
    {
        ProcessResult result = PyctdProcess.RunInEmptyNamespace(arguments);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("0\n", result.Stdout);
    }

    [Theory]
    [InlineData("--state ESTABLISHED never matches --proto udp: udp entries have no state", "list", "-p", "udp", "--state", "ESTABLISHED")]
    [InlineData("--state ESTABLISHED never matches --proto icmp", "kill", "-p", "icmp", "--state", "established")]
    [InlineData("--state ESTABLISHED never matches --proto dccp: dccp states are REQUEST", "list", "-p", "dccp", "--state", "ESTABLISHED")]
    [InlineData("--state OPEN never matches --proto tcp", "list", "-p", "tcp", "--state", "OPEN")]
    public void StateThatTheProtocolLacks_ExitsTwo(string expected, params string[] arguments) =>
        AssertOneLineUsageError(PyctdProcess.RunInEmptyNamespace(arguments), expected);

    [Theory]
    [InlineData("list", "-p", "tcp", "--state", "ESTABLISHED", "-c")]
    [InlineData("list", "-p", "sctp", "--state", "ESTABLISHED", "-c")]
    [InlineData("list", "-p", "dccp", "--state", "OPEN", "-c")]
    public void StateOfTheProtocol_IsAccepted(params string[] arguments)
    {
        ProcessResult result = PyctdProcess.RunInEmptyNamespace(arguments);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Theory]
    [InlineData("--netns", "", "list", "-c")]
    [InlineData("--netns", " ", "kill", "--all", "--dry-run")]
    [InlineData("-n", "\t", "list")]
    [InlineData("list", "--netns", "", "-c")]
    [InlineData("--netns", "", "serve", "--auth", "none", "--listen", "127.0.0.1:18475")]
    public void EmptyNetns_IsAUsageError(params string[] arguments) =>
        AssertOneLineUsageError(PyctdProcess.RunInEmptyNamespace(arguments), "--netns needs a namespace name");

    [Fact]
    public void ControlCharactersInAnArgument_AreEscapedInTheMessage()
    {
        ProcessResult result = PyctdProcess.RunInEmptyNamespace("list", "-m", "1\n2\u001b[31m\u202e");
        AssertOneLineUsageError(result, @"'1\n2\x1b[31m\u202e' is not a mark");
        Assert.DoesNotContain('\u001b', result.Stderr);
    }

    [Theory]
    [InlineData("unknown command 'frob' (commands: list, events, kill, mark, timeout, serve, passwd, stats, top)", "frob")]
    [InlineData("unknown command 'frob' for 'pyctd passwd' (commands: add, del, list)", "passwd", "frob")]
    [InlineData("missing command (commands: list, events, kill, mark, timeout, serve, passwd, stats, top); see 'pyctd --help'")]
    [InlineData("unknown option '--frobnicate'; see 'pyctd list --help'", "list", "--frobnicate")]
    [InlineData("unexpected argument 'extra'; see 'pyctd list --help'", "list", "extra")]
    public void ParseError_IsOneLineNamingWhatToDo(string expected, params string[] arguments) =>
        AssertOneLineUsageError(PyctdProcess.RunInEmptyNamespace(arguments), expected);
}
