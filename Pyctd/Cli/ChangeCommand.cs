using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Text;
using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Output;

namespace Pyctd.Cli;

/// <summary>
/// What kill, mark and timeout share: selecting connections by id and by the list filters, a dry
/// run, applying one change to each selected entry by its full tuple and id, and the report.
/// </summary>
internal static class ChangeCommand
{
    public static readonly Argument<uint[]> Ids = new("ID")
    {
        Description = "Connection ids as `list` shows them (decimal or 0x hex); combined with the filters",
        Arity = ArgumentArity.ZeroOrMore,
        CustomParser = ParseIds,
    };

    public static readonly Option<bool> DryRun = new("--dry-run")
    {
        Description = "Show the connections that would be changed (in the -o format) and change nothing",
    };

    public static readonly Option<bool> All = new("--all")
    {
        Description = "Act on every connection when no id or filter is given (for kill: empty the table)",
    };

    public const string ExitCodesHelp = """
        Exit status:
          0  every given id was acted on, or the filter matched at least one connection
          1  nothing matched, or some ids were not found (listed on stderr)
          2  usage error
          3  libnetfilter_conntrack.so.3 missing
          4  permission denied: needs CAP_NET_ADMIN (run as root)
        """;

    /// <summary>The verb's words for reports: "kill" / "killed".</summary>
    internal sealed record Verb(string Name, string Past);

    public static Command Create(string name, string description, Argument? value, Verb verb, Func<ParseResult, ConnectionChange> change)
    {
        var command = new Command(name, $"{description}\n\n{ExitCodesHelp}");
        if (value is not null)
        {
            command.Arguments.Add(value);
        }

        command.Arguments.Add(Ids);
        FilterOptions.AddTo(command);
        command.Options.Add(DryRun);
        command.Options.Add(All);
        command.Options.Add(OutputOptions.Format);
        command.SetAction(result => CommandRunner.Run(result, () => Run(result, verb, change(result))));
        return command;
    }

    private static ExitCode Run(ParseResult result, Verb verb, ConnectionChange change)
    {
        FilterSpec filter = FilterOptions.Build(result);
        uint[] ids = result.GetValue(Ids) ?? [];
        if (ids.Length == 0 && filter.IsEmpty && !result.GetValue(All))
        {
            throw new PyctdException(ExitCode.Usage, "give connection ids or a filter; use --all to act on every connection");
        }

        OutputFormat format = result.GetValue(OutputOptions.Format) ?? OutputFormat.Table;
        string? netns = result.GetValue(GlobalOptions.Netns);
        var watch = Stopwatch.StartNew();

        // Ids given as arguments are one more key of the same filter: an entry must have one of them.
        bool filtered = !filter.IsEmpty;
        if (ids.Length > 0)
        {
            try
            {
                filter.Add(Domain.Fields.FieldCatalog.Id, ids.Select(static id => FilterTerm.Equal(id)).ToArray());
            }
            catch (FilterException tooMany)
            {
                throw new PyctdException(ExitCode.Usage, tooMany.Message);
            }
        }

        using var selected = new RecordTable();
        using (var dumper = new ConntrackDumper(netns))
        {
            FilteredDump.Run(dumper, filter.Compile(ratesAvailable: false), selected);
        }

        var found = new HashSet<uint>();
        foreach (ref readonly ConntrackRecord record in selected.Records)
        {
            found.Add(record.Id);
        }

        uint[] missing = ids.Distinct().Where(id => !found.Contains(id)).ToArray();
        foreach (uint id in missing)
        {
            Console.Error.WriteLine(!filtered
                ? $"pyctd: no such connection: {id}"
                : $"pyctd: no such connection: {id} (or it does not match the filter)");
        }

        if (selected.Count == 0 && ids.Length == 0)
        {
            Console.Error.WriteLine("pyctd: no connection matches the filter");
        }

        using var stdout = Console.OpenStandardOutput();
        if (result.GetValue(DryRun))
        {
            using var output = new OutputBuffer(stdout);
            IRecordWriter writer = OutputOptions.CreateWriter(format, output, header: true);
            writer.Begin();
            foreach (ref readonly ConntrackRecord record in selected.Records)
            {
                writer.Write(record);
            }

            writer.End();
            output.Flush();
            Console.Error.WriteLine($"would {verb.Name} {Connections(selected.Count)}");
            return selected.Count == 0 || missing.Length > 0 ? ExitCode.Failure : ExitCode.Success;
        }

        var results = new ChangeResult[selected.Count];
        if (selected.Count > 0)
        {
            using var changer = new ConntrackChanger(netns);
            changer.Apply(selected.Records, change, results);
        }

        var report = ChangeReport.From(selected.Records, results, missing);
        foreach (var (id, reason) in report.Failed)
        {
            Console.Error.WriteLine($"pyctd: connection {id}: {reason}");
        }

        WriteReport(stdout, report, verb, format);
        CommandRunner.Report(result, watch, $"{verb.Name}: {report.Changed} of {report.Matched} selected connections changed");
        return report.Matched == 0 || missing.Length > 0 || report.Failed.Count > 0 ? ExitCode.Failure : ExitCode.Success;
    }

    private static void WriteReport(Stream stdout, ChangeReport report, Verb verb, OutputFormat format)
    {
        string text = format is OutputFormat.Json or OutputFormat.Jsonl
            ? report.ToJson() + "\n"
            : $"{verb.Past} {Connections(report.Changed)}{(report.Gone.Count > 0 ? $" ({report.Gone.Count} already gone)" : string.Empty)}\n";
        stdout.Write(Encoding.UTF8.GetBytes(text));
    }

    private static string Connections(int count) => count == 1 ? "1 connection" : $"{count} connections";

    private static uint[] ParseIds(ArgumentResult result)
    {
        var ids = new uint[result.Tokens.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            if (!ValueParsers.TryParseUInt32(result.Tokens[i].Value, out ids[i]))
            {
                result.AddError(ValueParsers.LeadingZeroError(result.Tokens[i].Value) ?? $"'{result.Tokens[i].Value}' is not a connection id (0-4294967295)");
                return [];
            }
        }

        return ids;
    }
}

/// <summary>The result of a kill/mark/timeout, for the summary line or the JSON object scripts read.</summary>
internal sealed record ChangeReport(int Matched, int Changed, List<uint> Gone, uint[] Missing, List<(uint Id, string Reason)> Failed)
{
    public static ChangeReport From(ReadOnlySpan<ConntrackRecord> records, ChangeResult[] results, uint[] missing)
    {
        var gone = new List<uint>();
        var failed = new List<(uint, string)>();
        int changed = 0;
        for (int i = 0; i < records.Length; i++)
        {
            switch (results[i].Outcome)
            {
                case ChangeOutcome.Changed:
                    changed++;
                    break;
                case ChangeOutcome.Gone:
                    gone.Add(records[i].Id);
                    break;
                default:
                    failed.Add((records[i].Id, results[i].Message));
                    break;
            }
        }

        return new ChangeReport(records.Length, changed, gone, missing, failed);
    }

    /// <summary>{"matched":N,"changed":N,"gone":[ids],"missing":[ids],"failed":[{"id":N,"error":"..."}]}</summary>
    public string ToJson()
    {
        var json = new StringBuilder();
        json.Append("{\"matched\":").Append(Matched).Append(",\"changed\":").Append(Changed);
        json.Append(",\"gone\":[").AppendJoin(',', Gone).Append("],\"missing\":[").AppendJoin(',', Missing).Append(']');
        json.Append(",\"failed\":[").AppendJoin(',', Failed.Select(f => $"{{\"id\":{f.Id},\"error\":\"{f.Reason}\"}}")).Append("]}");
        return json.ToString();
    }
}
