using System.CommandLine;
using System.Text;
using Pyctd.Conntrack;
using Pyctd.Output;

namespace Pyctd.Cli;

/// <summary>`pyctd stats`: what conntrack -S and -C give, and how full the table is, from ctnetlink.</summary>
internal static class StatsCommand
{
    public static readonly Option<OutputFormat?> Format = OutputOptions.Of("stats",
        "table (default), conntrack (the per-CPU lines exactly as 'conntrack -S'), json (one object)",
        OutputFormat.Table, OutputFormat.Conntrack, OutputFormat.Json);

    public static Command Create()
    {
        var command = new Command("stats", """
            Show the conntrack table's statistics: entries, limit, fill, expectations and per-CPU counters.

            Read from ctnetlink (as conntrack -S and -C do), not from /proc text:
            per-CPU found, invalid, insert, insert_failed, drop, early_drop, error,
            search_restart, clash_resolve and chaintoolong, with their totals; the
            entry count, nf_conntrack_max, the hash buckets and how full the table is;
            the number of expectations; whether accounting, timestamps and events are on.

            Examples:
              pyctd stats
              pyctd stats -o conntrack        # the same lines as conntrack -S
              pyctd stats -o json | jq .fill_ratio
            """);
        command.Options.Add(Format);
        command.SetAction(result => CommandRunner.Run(result, () => Run(result)));
        return command;
    }

    private static ExitCode Run(ParseResult result)
    {
        var statistics = ConntrackStatistics.Read(result.GetValue(GlobalOptions.Netns));
        string text = (result.GetValue(Format) ?? OutputFormat.Table) switch
        {
            OutputFormat.Conntrack => StatisticsWriter.Conntrack(statistics),
            OutputFormat.Json => StatisticsWriter.Json(statistics),
            _ => StatisticsWriter.Table(statistics),
        };
        using Stream stdout = Console.OpenStandardOutput();
        stdout.Write(Encoding.UTF8.GetBytes(text));
        return ExitCode.Success;
    }
}
