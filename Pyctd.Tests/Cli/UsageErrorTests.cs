using Pyctd.Tests.Support;

namespace Pyctd.Tests.Cli;

/// <summary>Bad input exits 2 with a message naming the offending text; it never reaches the kernel.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("'10.0.0.300' is not an IPv4 or IPv6 address", "list", "-s", "10.0.0.300")]
    [InlineData("'10.0.0.0/40': prefix length 40 is longer than 32", "list", "-d", "10.0.0.0/40")]
    [InlineData("'70000' is not a port number", "list", "--dport", "70000")]
    [InlineData("'0x1g' is not a mark", "list", "-m", "0x1g")]
    [InlineData("'4294967296' is not a mark", "list", "-m", "4294967296")]
    [InlineData("'ESTABLISH' is not a connection state", "list", "--state", "ESTABLISH")]
    [InlineData("'ASSURD' is not a status flag", "list", "--status", "SEEN_REPLY,ASSURD")]
    [InlineData("'ipx' is not a family", "list", "-f", "ipx")]
    [InlineData("'tcpp' is not a protocol", "list", "-p", "tcpp")]
    [InlineData("'-1' is not a connection id", "list", "--id=-1")]
    [InlineData("'4294967296' is not a connection id", "list", "--id", "4294967296")]
    [InlineData("'xml' is not an output format", "list", "-o", "xml")]
    [InlineData("'colour' is not a field to order by", "list", "--sort", "colour")]
    [InlineData("'-5' is not a non-negative number", "list", "--limit=-5")]
    [InlineData("--src is an IPv6 address but the family is IPv4", "list", "-f", "ipv4", "-s", "::1")]
    [InlineData("--dport needs a protocol with ports, not icmp", "list", "-p", "icmp", "--dport", "80")]
    [InlineData("--state ESTABLISHED never matches --proto udp", "list", "-p", "udp", "--state", "ESTABLISHED")]
    [InlineData("'010': a leading zero means octal", "list", "-m", "010")]
    [InlineData("--frobnicate", "list", "--frobnicate")]
    public void Run_BadInput_ExitsTwoNamingTheText(string expected, params string[] arguments)
    {
        ProcessResult result = PyctdProcess.Run(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Matches(@"^pyctd: [^\n]*\n$", result.Stderr); // one line, as the README promises; no stack trace
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Help_ListsExitCodesAndEveryFilter()
    {
        ProcessResult root = PyctdProcess.Run("--help");
        Assert.Equal(0, root.ExitCode);
        Assert.Contains("needs CAP_NET_ADMIN", root.Stdout);

        ProcessResult list = PyctdProcess.Run("list", "--help");
        foreach (string option in new[] { "--family", "--proto", "--src", "--dst", "--reply-src", "--reply-dst", "--sport", "--dport", "--mark", "--state", "--status", "--zone", "--id", "--sort", "--reverse", "--offset", "--limit", "--count", "--output", "--netns" })
        {
            Assert.Contains(option, list.Stdout);
        }
    }

    [Fact]
    public void Version_PrintsTheBuildVersion()
    {
        ProcessResult result = PyctdProcess.Run("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+\s*$", result.Stdout);
    }
}

/// <summary>kill/mark/timeout reject malformed values and ids before touching anything.</summary>
public sealed class ChangeUsageErrorTests
{
    [Theory]
    [InlineData("'12x' is not a connection id", "kill", "12x")]
    [InlineData("'4294967296' is not a connection id", "kill", "4294967296")]
    [InlineData("'0xzz' is not a mark", "mark", "0xzz", "1")]
    [InlineData("'5/0x1ffffffff' is not a mark", "mark", "5/0x1ffffffff", "1")]
    [InlineData("'-3' is not a number of seconds", "timeout", "--", "-3", "1")]
    [InlineData("'soon' is not a number of seconds", "timeout", "soon", "1")]
    [InlineData("'x' is not a connection id", "timeout", "30", "x")]
    [InlineData("'300.1.1.1' is not an IPv4 or IPv6 address", "kill", "-s", "300.1.1.1")]
    public void Change_BadInput_ExitsTwoNamingTheText(string expected, params string[] arguments)
    {
        ProcessResult result = PyctdProcess.Run(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Matches(@"^pyctd: [^\n]*\n$", result.Stderr);
    }
}
