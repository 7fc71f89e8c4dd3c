using System.Diagnostics;
using System.Text.Json;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>`pyctd top` on a live lab: groups counted as conntrack lists them, rates from real traffic, bad input refused.</summary>
[Collection(LiveLabCollection.Name)]
public sealed class TopCommandTests(SharedLab shared)
{
    private readonly LabNamespace _lab = shared.Lab;

    [Fact]
    public void TopByProtocol_CountsWhatConntrackLists()
    {
        ProcessResult top = PyctdProcess.Run("top", "--netns", _lab.Name, "--by", "proto", "-n", "0", "-i", "0.2", "-o", "json");
        Assert.True(top.ExitCode == 0, top.Stderr);
        using var json = JsonDocument.Parse(top.Stdout);
        JsonElement[] groups = [.. json.RootElement.EnumerateArray()];
        Assert.True(groups.Length >= 3, top.Stdout);
        foreach (JsonElement group in groups)
        {
            string protocol = group.GetProperty("key").GetString()!;
            Assert.Equal(_lab.Conntrack("-L", "-p", protocol).Lines.Length, group.GetProperty("connections").GetInt64());
        }

        Assert.Equal(_lab.Count(), groups.Sum(static g => g.GetProperty("connections").GetInt64()));
    }

    [Fact]
    public void TopWithListFilters_GroupsOnlyTheMatches()
    {
        ProcessResult top = PyctdProcess.Run("top", "--netns", _lab.Name, "--by", "dst/24", "-p", "udp", "-n", "0", "-i", "0.1", "-o", "jsonl");
        Assert.True(top.ExitCode == 0, top.Stderr);
        long grouped = top.Lines.Sum(static line => JsonDocument.Parse(line).RootElement.GetProperty("connections").GetInt64());
        Assert.Equal(_lab.Conntrack("-L", "-p", "udp").Lines.Length, grouped);
        Assert.All(top.Lines, static line => Assert.EndsWith("/24", JsonDocument.Parse(line).RootElement.GetProperty("key").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public void TopRates_FromTrafficBetweenTheReads()
    {
        // Pings to an address of the lab's own, every 0.1 s through both reads: its group's rate is the pings' bytes.
        using var ping = Process.Start("ip", ["netns", "exec", _lab.Name, "ping", "-q", "-i", "0.1", "-c", "25", "-s", "1000", "127.0.0.77"]);
        try
        {
            Thread.Sleep(300);
            ProcessResult top = PyctdProcess.Run("top", "--netns", _lab.Name, "--by", "dst", "-p", "icmp", "--sort", "rate", "-n", "1", "-i", "1", "-o", "json");
            Assert.True(top.ExitCode == 0, top.Stderr);
            JsonElement first = JsonDocument.Parse(top.Stdout).RootElement[0];
            Assert.Equal("127.0.0.77", first.GetProperty("key").GetString());
            // About ten 1028-byte packets (IP header included) a second each way; the band allows for timing.
            Assert.InRange(first.GetProperty("orig_rate").GetInt64(), 5_000, 20_000);
            Assert.InRange(first.GetProperty("repl_rate").GetInt64(), 5_000, 20_000);
            Assert.Equal(first.GetProperty("orig_rate").GetInt64() + first.GetProperty("repl_rate").GetInt64(), first.GetProperty("rate").GetInt64());
        }
        finally
        {
            ping.Kill();
            ping.WaitForExit();
        }
    }

    [Fact]
    public void TopTable_HasHeaderAndRows()
    {
        ProcessResult top = PyctdProcess.Run("top", "--netns", _lab.Name, "--by", "dport", "-n", "5", "-i", "0.1");
        Assert.True(top.ExitCode == 0, top.Stderr);
        Assert.StartsWith("KEY ", top.Lines[0], StringComparison.Ordinal);
        Assert.Contains("RATE/s", top.Lines[0], StringComparison.Ordinal);
        Assert.Equal(6, top.Lines.Length);
    }

    [Fact]
    public void TopMaxGroups_WhenHit_StopsWithOneClearLine()
    {
        ProcessResult top = PyctdProcess.Run("top", "--netns", _lab.Name, "--by", "sport", "--max-groups", "10", "-i", "0.1");
        Assert.Equal(1, top.ExitCode);
        Assert.Equal("pyctd: more than 10 groups by sport: raise --max-groups, group by a prefix (src/24) or filter", top.Stderr.Trim());
        Assert.Empty(top.Stdout);
    }

    [Theory]
    [InlineData("--by", "host", "--by: 'host' is not a key to group by")]
    [InlineData("--by", "src/129", "bad prefix length")]
    [InlineData("--by", "dport/8", "only addresses take a /PREFIX")]
    [InlineData("--interval", "0", "--interval: '0' is not a number of seconds above 0")]
    [InlineData("--interval", "-1", "--interval")]
    [InlineData("--sort", "speed", "'speed' is not a total to order groups by")]
    [InlineData("--max-groups", "0", "not a positive number")]
    [InlineData("-o", "conntrack", "not an output format of top")]
    public void Top_BadInput_IsOneLineAndExit2(string option, string value, string message)
    {
        ProcessResult top = PyctdProcess.RunInEmptyNamespace("top", option, value);
        Assert.Equal(2, top.ExitCode);
        string line = Assert.Single(top.Stderr.Trim().Split('\n'));
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopWatch_WithoutTerminal_PrintsOneFramePerIntervalAndStopsOnSigint()
    {
        var start = new ProcessStartInfo(Repository.PyctdBinary) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string argument in (string[])["top", "--netns", _lab.Name, "--by", "proto", "-i", "0.3", "--watch"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Thread.Sleep(1500);
        ProcessRunner.Run("kill", "-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(process.WaitForExit(5000), "top --watch did not stop on SIGINT");
        Assert.Equal(0, process.ExitCode);
        string text = await output;
        int frames = text.Split('\n').Count(static line => line.StartsWith("pyctd top  by proto", StringComparison.Ordinal));
        Assert.InRange(frames, 2, 5);
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal); // no terminal codes in a log
    }
}
