using System.Diagnostics;
using System.Globalization;
using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Output;

namespace Pyctd.Cli;

/// <summary>What a top run was asked for; the screen changes key and order as keys are pressed.</summary>
internal sealed record TopSettings(CompiledFilter Filter, GroupKey Key, GroupOrder Order, int Count, TimeSpan Interval, int MaxGroups, OutputFormat Format);

/// <summary>
/// Reads the table into groups, keeping the last two reads' groups (and nothing of the connections)
/// so each frame's rates are the difference between them.
/// </summary>
internal sealed class TopReader(string? netns, TopSettings settings) : IDisposable
{
    private readonly ConntrackDumper _dumper = new(netns);
    private GroupAccumulator _previous = new(settings.Key, settings.MaxGroups);
    private GroupAccumulator _current = new(settings.Key, settings.MaxGroups);
    private long _previousAt;
    private long _currentAt;

    public TopSettings Settings { get; private set; } = settings;

    /// <summary>Whether the current frame has rates: a read before it (regrouping starts the reads over).</summary>
    public bool HasRates => _previousAt != 0;

    /// <summary>Reads, waits an interval, reads again; false if stopped in between.</summary>
    public bool TryReadTwice(CancellationToken stopping)
    {
        ReadNext();
        if (stopping.WaitHandle.WaitOne(Settings.Interval))
        {
            return false;
        }

        ReadNext();
        return true;
    }

    /// <summary>One more read: the current groups become the previous ones.</summary>
    public void ReadNext()
    {
        (_previous, _current) = (_current, _previous);
        _previousAt = _currentAt;
        _current.Clear();
        _currentAt = Stopwatch.GetTimestamp();
        FilteredDump.Run(_dumper, Settings.Filter, _current);
        if (_current.Overflowed)
        {
            throw new PyctdException(ExitCode.Failure,
                $"more than {Settings.MaxGroups} groups by {Settings.Key.Text}: raise --max-groups, group by a prefix (src/24) or filter");
        }

        if (HasRates)
        {
            _current.RatesSince(_previous, Stopwatch.GetElapsedTime(_previousAt, _currentAt).TotalSeconds);
        }
    }

    /// <summary>Groups by another key (or ranks in another order) from the next read on; rates return one read later.</summary>
    public void Change(TopSettings changed)
    {
        bool regroup = changed.Key != Settings.Key;
        Settings = changed;
        if (regroup)
        {
            _previous = new GroupAccumulator(changed.Key, changed.MaxGroups);
            _current = new GroupAccumulator(changed.Key, changed.MaxGroups);
            _currentAt = 0;
            ReadNext();
        }
    }

    public int[] Ranked(int count) => Settings.Order.Rank(_current, count);

    public string Title()
    {
        ulong connections = 0;
        foreach (GroupTotals totals in _current.Totals)
        {
            connections += totals.Connections;
        }

        string order = $"{GroupOrder.NameOf(Settings.Order.Metric)}{(Settings.Order.Descending ? string.Empty : " (smallest first)")}";
        string accounting = _current.Counted || _current.Count == 0 ? string.Empty : "  [no counters: nf_conntrack_acct=0]";
        return $"pyctd top  by {Settings.Key.Text}  sort {order}  every {Settings.Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s  "
            + $"{connections} connections in {_current.Count} groups  {DateTime.Now:HH:mm:ss}{accounting}";
    }

    public void WriteFrame(OutputBuffer output, OutputFormat format, bool header, int width = 0, int rows = -1, bool clearLines = false)
    {
        int[] ranked = Ranked(rows >= 0 ? (Settings.Count == 0 ? rows : Math.Min(rows, Settings.Count)) : Settings.Count);
        switch (format)
        {
            case OutputFormat.Json:
            case OutputFormat.Jsonl:
                GroupFrameWriter.Json(output, _current, ranked, lines: format == OutputFormat.Jsonl);
                break;
            default:
                GroupFrameWriter.Table(output, _current, ranked, header, width, clearLines);
                break;
        }
    }

    public void Dispose() => _dumper.Dispose();
}
