using System.Globalization;
using System.Text.Json;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// kill, mark and timeout on a real table, each checked against `conntrack -L` before and after.
/// Tests in this collection run one at a time on a lab of their own.
/// </summary>
[Collection(MutableLabCollection.Name)]
public sealed class ChangeCommandTests(MutableLab shared)
{
    private readonly LabNamespace _lab = shared.Lab;

    private string[] Table() => ConntrackText.Sorted(_lab.Conntrack("-L").Lines);

    private string[] TableWithIds() => _lab.Conntrack("-L", "-o", "id").Lines;

    private ProcessResult Pyctd(params string[] arguments) => PyctdProcess.Run([.. arguments, "--netns", _lab.Name]);

    /// <summary>The id and conntrack line of the first entry `conntrack -L ARGS` shows.</summary>
    private (string Id, string Line) First(params string[] conntrackArguments)
    {
        string line = _lab.Conntrack(["-L", "-o", "id", .. conntrackArguments]).Lines.First();
        int at = line.LastIndexOf(" id=", StringComparison.Ordinal);
        return (line[(at + 4)..], line[..at]);
    }

    [Fact]
    public void Kill_ById_RemovesExactlyThatEntry()
    {
        string[] before = Table();
        var (id, line) = First("-p", "tcp", "--dport", "47005");

        ProcessResult result = Pyctd("kill", id);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("killed 1 connection", result.Stdout.Trim());
        Assert.Equal(before.Except([ConntrackText.Normalize(line)]), Table());
    }

    [Fact]
    public void Kill_UnknownIds_ExitsOneAndLeavesTableIntact()
    {
        string[] before = Table();
        string[] ids = TableWithIds().Select(l => l[(l.LastIndexOf("id=", StringComparison.Ordinal) + 3)..]).ToArray();
        uint unknown = Enumerable.Range(1, 1000).Select(i => (uint)i * 7919u).First(candidate => !ids.Contains(candidate.ToString(CultureInfo.InvariantCulture)));

        ProcessResult result = Pyctd("kill", unknown.ToString(CultureInfo.InvariantCulture), "4294967295", "-o", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no such connection: {unknown}", result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        Assert.Equal(0, report.RootElement.GetProperty("changed").GetInt32());
        Assert.Equal(2, report.RootElement.GetProperty("missing").GetArrayLength());
        Assert.Equal(before, Table());
    }

    [Fact]
    public void Kill_WithoutSelection_ExitsTwoAndLeavesTableIntact()
    {
        string[] before = Table();
        ProcessResult result = Pyctd("kill");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("pyctd: give connection ids or a filter; use --all to act on every connection", result.Stderr.Trim());
        Assert.Equal(before, Table());
    }

    [Fact]
    public void Kill_DryRun_ShowsTheRowsAndChangesNothing()
    {
        string[] before = Table();
        ProcessResult result = Pyctd("kill", "-p", "udp", "--dport", "53", "--dry-run", "-o", "conntrack");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ConntrackText.Sorted(_lab.Conntrack("-L", "-p", "udp", "--dport", "53").Lines), ConntrackText.Sorted(result.Lines));
        Assert.Matches(@"^would kill \d+ connections$", result.Stderr.Trim());
        Assert.Equal(before, Table());
    }

    [Fact]
    public void Kill_ByFilter_RemovesExactlyTheMatchesOfBothFamilies()
    {
        string[] before = Table();
        string[] matches = ConntrackText.Sorted(_lab.Conntrack("-L", "-p", "udp", "--dport", "53").Lines);
        Assert.Contains(matches, static l => l.Contains("src=::1", StringComparison.Ordinal) || l.Contains("fd00:", StringComparison.Ordinal));
        Assert.Contains(matches, static l => l.Contains("src=127.", StringComparison.Ordinal));

        ProcessResult result = Pyctd("kill", "-p", "udp", "--dport", "53");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"killed {matches.Length} connections", result.Stdout.Trim());
        Assert.Equal(before.Except(matches), Table());
    }

    [Fact]
    public void Kill_EntryInAZone_IsFoundByItsZone()
    {
        var (id, line) = First("-p", "tcp", "-w", "1");
        string[] before = Table();
        ProcessResult result = Pyctd("kill", id);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(before.Except([ConntrackText.Normalize(line)]), Table());
    }

    [Fact]
    public void Mark_ById_SetsTheMark()
    {
        var (id, _) = First("-p", "tcp", "--dport", "47010");
        ProcessResult result = Pyctd("mark", "0xdead", id);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("marked 1 connection", result.Stdout.Trim());
        Assert.Contains(" mark=57005 ", TableWithIds().Single(l => l.EndsWith($" id={id}", StringComparison.Ordinal)));
    }

    [Fact]
    public void Mark_ByFilterWithMask_ChangesOnlyTheMaskedBits()
    {
        // Entries with mark 0xffffffff and 0x12345678: set bits 8-15 to 0x42.
        string[] selectors = ["-m", "0xffffffff"];
        int count = _lab.Conntrack(["-L", .. selectors]).Lines.Length;
        Assert.True(count > 0);
        ProcessResult result = Pyctd(["mark", "0x4200/0xff00", .. selectors]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(count, _lab.Conntrack("-L", "-m", "0xffff42ff").Lines.Length);
        Assert.Empty(_lab.Conntrack("-L", "-m", "0xffffffff").Lines);
    }

    [Fact]
    public void Mark_ByFilterWithoutMask_SetsEveryBit()
    {
        int count = _lab.Conntrack("-L", "-p", "udp", "--dport", "47003").Lines.Length;
        Assert.True(count > 0);
        ProcessResult result = Pyctd("mark", "77", "-p", "udp", "--dport", "47003");
        Assert.Equal(0, result.ExitCode);
        Assert.All(_lab.Conntrack("-L", "-p", "udp", "--dport", "47003").Lines, static l => Assert.Contains(" mark=77 ", l));
    }

    [Fact]
    public void Timeout_ById_SetsTheTimeout()
    {
        var (id, _) = First("-p", "tcp", "--dport", "47011");
        ProcessResult result = Pyctd("timeout", "1234", id);

        Assert.Equal(0, result.ExitCode);
        string line = TableWithIds().Single(l => l.EndsWith($" id={id}", StringComparison.Ordinal));
        int timeout = int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
        Assert.InRange(timeout, 1200, 1234);
    }

    [Fact]
    public void Timeout_ByFilter_SetsEveryMatch()
    {
        ProcessResult result = Pyctd("timeout", "0x3e8", "-p", "udp", "--dport", "47004", "-o", "json");
        Assert.Equal(0, result.ExitCode);
        using var report = JsonDocument.Parse(result.Stdout);
        int changed = report.RootElement.GetProperty("changed").GetInt32();
        string[] lines = _lab.Conntrack("-L", "-p", "udp", "--dport", "47004").Lines;
        Assert.Equal(lines.Length, changed);
        Assert.All(lines, static l => Assert.InRange(int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture), 950, 1000));
    }

    [Fact]
    public void Kill_WithoutCapNetAdmin_ExitsFourAndLeavesTableIntact()
    {
        string[] before = Table();
        ProcessResult result = _lab.Exec(
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
            Repository.PyctdBinary, "kill", "-p", "tcp");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("pyctd: cannot read the conntrack table: needs CAP_NET_ADMIN (run as root)", result.Stderr.Trim());
        Assert.Equal(before, Table());
    }
}

/// <summary>`kill --all` empties a table: in a lab of its own.</summary>
public sealed class KillAllTests
{
    [Fact]
    public void KillAll_EmptiesTheTableOfBothFamilies()
    {
        using var lab = new LabNamespace(bulkFlows: 1_000);
        int before = lab.Count();
        ProcessResult result = PyctdProcess.Run("kill", "--all", "--netns", lab.Name);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"killed {before} connections", result.Stdout.Trim());
        Assert.Equal(0, lab.Count());
    }
}
