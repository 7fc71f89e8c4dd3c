using System.CommandLine;
using System.Globalization;
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
        CustomParser = result => ValueParsers.FromDomain(result, GroupKey.Parse),
    };

    public static readonly Option<GroupMetric?> Sort = new("--sort")
    {
        Description = $"Rank groups by one of: {GroupOrder.Names} (default connections; largest first)",
        HelpName = "TOTAL",
        CustomParser = result => ValueParsers.FromDomain<GroupMetric?>(result, static text => GroupOrder.Parse(text)),
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
        using var signals = new StopSignals(stopping.Cancel); // we stop ourselves, after restoring the terminal
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
}
