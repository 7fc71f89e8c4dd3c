using System.Text.Json;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>`pyctd stats` against conntrack -S and -C on a live lab.</summary>
[Collection(LiveLabCollection.Name)]
public sealed class StatsCommandTests(SharedLab shared)
{
    private readonly LabNamespace _lab = shared.Lab;

    [Fact]
    public void StatsConntrackFormat_IsByteForByteConntrackS()
    {
        // The counters move only with traffic; the lab is quiet, but take the pair again if one slipped in between.
        for (int attempt = 0; ; attempt++)
        {
            string expected = _lab.Conntrack("-S").Stdout;
            ProcessResult stats = PyctdProcess.Run("stats", "--netns", _lab.Name, "-o", "conntrack");
            Assert.True(stats.ExitCode == 0, stats.Stderr);
            if (stats.Stdout == expected || attempt == 2)
            {
                Assert.Equal(expected, stats.Stdout);
                Assert.Contains("\tfound=", stats.Stdout, StringComparison.Ordinal);
                return;
            }
        }
    }

    [Fact]
    public void StatsJson_EntriesAndLimits_AreTheKernels()
    {
        ProcessResult stats = PyctdProcess.Run("stats", "--netns", _lab.Name, "-o", "json");
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        using var json = JsonDocument.Parse(stats.Stdout);
        JsonElement root = json.RootElement;
        Assert.Equal(_lab.Count(), root.GetProperty("entries").GetInt64());
        long max = long.Parse(_lab.Exec("cat", "/proc/sys/net/netfilter/nf_conntrack_max").Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(max, root.GetProperty("max").GetInt64());
        Assert.Equal((double)root.GetProperty("entries").GetInt64() / max, root.GetProperty("fill_ratio").GetDouble(), 5);
        Assert.True(root.GetProperty("accounting").GetBoolean()); // the lab turns it on
        Assert.Equal(0, root.GetProperty("expectations").GetInt64());
        Assert.Equal(_lab.Conntrack("-S").Lines.Length, root.GetProperty("cpus").GetArrayLength());
        long inserted = root.GetProperty("cpus").EnumerateArray().Sum(static c => c.GetProperty("insert").GetInt64());
        Assert.Equal(inserted, root.GetProperty("total").GetProperty("insert").GetInt64());
    }

    [Fact]
    public void StatsTable_NamesEveryFigure()
    {
        ProcessResult stats = PyctdProcess.Run("stats", "--netns", _lab.Name);
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        foreach (string name in (string[])["entries", "max", "fill", "buckets", "expectations", "accounting", "timestamps", "events", "insert_failed", "early_drop", "all"])
        {
            Assert.Contains(name, stats.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Stats_BadFormat_IsUsageError()
    {
        ProcessResult stats = PyctdProcess.RunInEmptyNamespace("stats", "-o", "jsonl");
        Assert.Equal(2, stats.ExitCode);
        Assert.Single(stats.Stderr.Trim().Split('\n'));
    }
}
