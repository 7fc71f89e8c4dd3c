using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Output;

namespace Pyctd.Cli;

/// <summary>
/// `pyctd top`: the table grouped by a key and ranked, with each group's current rate from two
/// reads of the table. Each read streams into a <see cref="GroupAccumulator"/>: memory grows with
/// the groups, never with the connections.
/// </summary>
internal static class TopCommand
{
    public static readonly Option<GroupKey?> By = new("--by")
    {
        Description = $"Group by KEY: {GroupKey.Help} (default src)",
        HelpName = "KEY",
        CustomParser = result => Parse(result, GroupKey.Parse),
    };

    public static readonly Option<GroupMetric?> Sort = new("--sort")
    {
        Description = $"Rank groups by one of: {GroupOrder.Names} (default connections; largest first)",
        HelpName = "TOTAL",
        CustomParser = result => Parse<GroupMetric?>(result, static text => GroupOrder.Parse(text)),
    };

    public static readonly Option<bool> Ascending = new("--ascending")
    {
        Description = "Smallest first",
    };

    public static readonly Option<int?> Count = new("--top", "-n")
    {
        Description = "Show the first N groups (default 20; 0: all)",
        HelpName = "N",
        CustomParser = ValueParsers.Struct<int>("number of groups", ValueParsers.NonNegative),
    };

    public static readonly Option<double?> Interval = new("--interval", "-i")
    {
        Description = "Seconds between the two reads the rates come from, and between frames of --watch (default 1)",
        HelpName = "SECONDS",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && seconds is > 0 and <= 86400)
            {
                return seconds;
            }

            result.AddError($"--interval: '{text}' is not a number of seconds above 0 (at most 86400)");
            return null;
        },
    };

    public static readonly Option<bool> Watch = new("--watch")
    {
        Description = "Redraw every interval until q or Ctrl-C (keys: s sort, b grouping, r order); without a terminal, one frame per interval",
    };

    public static readonly Option<int?> MaxGroups = new("--max-groups")
    {
        Description = $"Stop with an error beyond N groups (default {GroupAccumulator.DefaultMaxGroups}): memory grows with groups, not connections",
        HelpName = "N",
        CustomParser = ValueParsers.Struct<int>("number of groups", ValueParsers.Positive),
    };

    public static readonly Option<OutputFormat?> Format = OutputOptions.Of("top",
        "table (default), json (one array of groups per frame), jsonl (one group per line)",
        OutputFormat.Table, OutputFormat.Json, OutputFormat.Jsonl);

    public static Command Create()
    {
        var command = new Command("top", """
            Rank groups of connections (by source, destination, port, ...) with their current rates.

            Reads the table twice, --interval apart: connections, packets and bytes
            are the second read's, rates (bytes per second, each direction) the
            difference between the reads. Connections that close between the reads
            take their bytes with them, so a group's rate never counts them. The
            same filters as list select the connections. Rates and bytes need
            accounting (sysctl net.netfilter.nf_conntrack_acct=1).

            Examples:
              pyctd top --by src --sort rate -n 10
              pyctd top --by dst -p tcp --dport 443
              pyctd top --by src/24 --watch
              pyctd top --by dport -o json | jq '.[0]'
            """);
        FilterOptions.AddTo(command);
        foreach (Option option in new Option[] { By, Sort, Ascending, Count, Interval, Watch, MaxGroups, Format })
        {
            command.Options.Add(option);
        }

        command.SetAction(result => CommandRunner.Run(result, () => Run(result)));
        return command;
    }

    private static ExitCode Run(ParseResult result)
    {
        var settings = new TopSettings(
            FilterOptions.Build(result).Compile(ratesAvailable: false),
            result.GetValue(By) ?? GroupKey.Parse("src"),
            new GroupOrder(result.GetValue(Sort) ?? GroupMetric.Connections, !result.GetValue(Ascending)),
            result.GetValue(Count) ?? 20,
            TimeSpan.FromSeconds(result.GetValue(Interval) ?? 1),
            result.GetValue(MaxGroups) ?? GroupAccumulator.DefaultMaxGroups,
            result.GetValue(Format) ?? OutputFormat.Table);

        using var stopping = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, stopping));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, stopping));
        using var reader = new TopReader(result.GetValue(GlobalOptions.Netns), settings);
        using Stream stdout = Console.OpenStandardOutput();
        if (!result.GetValue(Watch))
        {
            if (!reader.TryReadTwice(stopping.Token))
            {
                return ExitCode.Failure; // interrupted before the second read
            }

            using var output = new OutputBuffer(stdout);
            reader.WriteFrame(output, settings.Format, header: true);
            return ExitCode.Success;
        }

        bool terminal = !Console.IsOutputRedirected && !Console.IsInputRedirected && settings.Format == OutputFormat.Table;
        return terminal ? TopScreen.Run(reader, stdout, stopping.Token) : WatchLines(reader, stdout, settings, stopping.Token);
    }

    /// <summary>Without a terminal: one frame per interval, for logs, until stopped.</summary>
    private static ExitCode WatchLines(TopReader reader, Stream stdout, TopSettings settings, CancellationToken stopping)
    {
        if (!reader.TryReadTwice(stopping))
        {
            return ExitCode.Success;
        }

        while (true)
        {
            using (var output = new OutputBuffer(stdout))
            {
                if (settings.Format == OutputFormat.Table)
                {
                    output.Write(System.Text.Encoding.UTF8.GetBytes(reader.Title() + "\n"));
                }

                reader.WriteFrame(output, settings.Format, header: true);
                if (settings.Format == OutputFormat.Table)
                {
                    output.Write((byte)'\n');
                }
            }

            if (stopping.WaitHandle.WaitOne(settings.Interval))
            {
                return ExitCode.Success;
            }

            reader.ReadNext();
        }
    }

    private static void Stop(PosixSignalContext signal, CancellationTokenSource stopping)
    {
        signal.Cancel = true; // we stop ourselves, after restoring the terminal
        stopping.Cancel();
    }

    private static T Parse<T>(System.CommandLine.Parsing.ArgumentResult result, Func<string, T> parse)
    {
        string text = result.Tokens[^1].Value;
        try
        {
            return parse(text);
        }
        catch (FilterException bad)
        {
            result.AddError($"{((System.CommandLine.Parsing.OptionResult)result.Parent!).Option.Name}: {bad.Message}");
            return default!;
        }
    }
}

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

    public GroupAccumulator Current => _current;

    /// <summary>Whether the current frame has rates (a read before it with the same key).</summary>
    public bool HasRates { get; private set; }

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

        HasRates = _previousAt != 0 && _previous.Key == _current.Key;
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
