using System.Text.Json;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// `pyctd list` against the kernel's own view, `conntrack -L`, on the lab table (fixed varied
/// entries plus 12,000 bulk flows, both families).
/// </summary>
[Collection(LiveLabCollection.Name)]
public sealed class ListAgainstConntrackTests(SharedLab shared)
{
    private readonly LabNamespace _lab = shared.Lab;

    [Fact]
    public void List_ConntrackFormat_EqualsConntrackLLineForLine()
    {
        ProcessResult ours = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "conntrack");
        ProcessResult theirs = _lab.Conntrack("-L");

        Assert.Equal(0, ours.ExitCode);
        Assert.True(theirs.Lines.Length > 12_000, $"lab table too small: {theirs.Lines.Length}");
        Assert.Equal(ConntrackText.NormalizeAll(theirs.Lines), ConntrackText.NormalizeAll(ours.Lines));
    }

    public static TheoryData<string[], string[]> Filters => new()
    {
        { ["-p", "tcp"], ["-p", "tcp"] },
        { ["-p", "udp", "--dport", "47001"], ["-p", "udp", "--dport", "47001"] },
        { ["-p", "udp", "--dport", "53"], ["-p", "udp", "--dport", "53"] },
        { ["-p", "sctp"], ["-p", "sctp"] },
        { ["-p", "gre"], ["-p", "gre"] },
        { ["-d", "fd00:5ce::1:0:0:2"], ["-d", "fd00:5ce::1:0:0:2"] },
        { ["-s", "fd00:5ce::/64"], ["-s", "fd00:5ce::/64"] },
        { ["-m", "0xffffffff"], ["-m", "0xffffffff"] },
        { ["-w", "65535"], ["-w", "65535"] },
        { ["-p", "tcp", "--state", "TIME_WAIT"], ["-p", "tcp", "--state", "TIME_WAIT"] },
        { ["-p", "tcp", "--state", "ESTABLISHED"], ["-p", "tcp", "--state", "ESTABLISHED"] },
        { ["-p", "icmp"], ["-p", "icmp"] },
        { ["-f", "ipv6"], ["-f", "ipv6"] },
        { ["-f", "ipv4"], ["-f", "ipv4"] },
        { ["-s", "127.0.0.1"], ["-s", "127.0.0.1"] },
        { ["-d", "127.0.0.1"], ["-d", "127.0.0.1"] },
        { ["-s", "127.1.0.0/16"], ["-s", "127.1.0.0/16"] },
        { ["--reply-src", "127.0.0.1"], ["--reply-src", "127.0.0.1"] },
        { ["-m", "7"], ["-m", "7"] },
        { ["-m", "0x80000000/0x80000000"], ["-m", "0x80000000/0x80000000"] },
        { ["--status", "ASSURED"], ["--status", "ASSURED"] },
        { ["-w", "1"], ["-w", "1"] },
        { ["-s", "::1"], ["-s", "::1"] },
        { ["-p", "tcp", "--sport", "40003"], ["-p", "tcp", "--sport", "40003"] },
        { ["-p", "udp", "-s", "127.0.0.1", "--dport", "53"], ["-p", "udp", "-s", "127.0.0.1", "--dport", "53"] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void List_Filter_SelectsWhatConntracksOwnFilterSelects(string[] ours, string[] conntrack)
    {
        ProcessResult mine = PyctdProcess.Run(["list", "--netns", _lab.Name, "-o", "conntrack", .. ours]);
        ProcessResult reference = _lab.Conntrack(["-L", .. conntrack]);

        Assert.Equal(0, mine.ExitCode);
        Assert.NotEmpty(reference.Lines); // a filter that matches nothing would prove nothing
        Assert.Equal(ConntrackText.Sorted(reference.Lines), ConntrackText.Sorted(mine.Lines));
    }

    [Fact]
    public void List_Json_RowCountEqualsConntrackC()
    {
        ProcessResult json = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "json");
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(_lab.Count(), document.RootElement.GetArrayLength());
    }

    [Fact]
    public void List_Count_EqualsConntrackCountOfTheSameFilter()
    {
        ProcessResult count = PyctdProcess.Run("list", "--netns", _lab.Name, "-c", "-p", "udp");
        Assert.Equal(0, count.ExitCode);
        Assert.Equal(_lab.Conntrack("-L", "-p", "udp").Lines.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), count.Stdout.Trim());
    }

    [Fact]
    public void List_CountWithoutFilters_IsTheKernelsCounterAsConntrackCountsIt()
    {
        string expected = _lab.Conntrack("-C").Stdout.Trim();
        ProcessResult count = PyctdProcess.Run("list", "--netns", _lab.Name, "-c");
        ProcessResult paged = PyctdProcess.Run("list", "--netns", _lab.Name, "-c", "--offset", "5", "--limit", "3");
        ProcessResult past = PyctdProcess.Run("list", "--netns", _lab.Name, "-c", "--offset", "1000000000");

        Assert.Equal(expected, count.Stdout.Trim());
        Assert.Equal("3", paged.Stdout.Trim());
        Assert.Equal("0", past.Stdout.Trim());
    }

    [Fact]
    public void List_SortedTopTwenty_AreTheLargestByBytes()
    {
        ProcessResult all = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "jsonl");
        ProcessResult top = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "jsonl", "--sort", "orig_bytes", "--reverse", "--limit", "20");

        ulong[] expected = all.Lines.Select(OrigBytes).OrderDescending().Take(20).ToArray();
        Assert.Equal(expected, top.Lines.Select(OrigBytes).ToArray());
        Assert.True(expected[0] > expected[^1], "the lab's byte counts should differ");
    }

    [Fact]
    public void List_OffsetAndLimit_PageThroughASortedListing()
    {
        string[] all = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "jsonl", "--sort", "id").Lines;
        string[] page = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "jsonl", "--sort", "id", "--offset", "100", "--limit", "50").Lines;
        Assert.Equal(all.Skip(100).Take(50).Select(Id), page.Select(Id));
    }

    [Fact]
    public void List_ById_FindsExactlyThatEntry()
    {
        string line = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "jsonl", "--limit", "1").Lines.Single();
        uint id = Id(line);
        ProcessResult byId = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "conntrack", "--id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string expected = _lab.Conntrack("-L", "-o", "id").Lines.Single(l => l.EndsWith($" id={id}", StringComparison.Ordinal));
        Assert.Equal(ConntrackText.Normalize(expected[..expected.LastIndexOf(" id=", StringComparison.Ordinal)]), ConntrackText.Normalize(byId.Lines.Single()));
    }

    [Fact]
    public void List_Table_FitsEightyColumnsForIPv4()
    {
        ProcessResult table = PyctdProcess.Run("list", "--netns", _lab.Name, "-f", "ipv4");
        Assert.Equal(0, table.ExitCode);
        Assert.StartsWith("ID ", table.Lines[0], StringComparison.Ordinal);
        Assert.All(table.Lines, static line => Assert.True(line.Length <= 80, line));
    }

    private static ulong OrigBytes(string json) => JsonDocument.Parse(json).RootElement.GetProperty("orig_bytes").GetUInt64();

    private static uint Id(string json) => JsonDocument.Parse(json).RootElement.GetProperty("id").GetUInt32();
}
