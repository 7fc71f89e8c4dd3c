using System.CommandLine;
using System.Diagnostics;
using Pyctd.Conntrack;
using Pyctd.Filtering;
using Pyctd.Output;
using Pyctd.Sorting;

namespace Pyctd.Cli;

/// <summary>`pyctd list`: show the conntrack table, filtered, sorted and paged, in four formats.</summary>
internal static class ListCommand
{
    public static readonly Option<SortField?> Sort = new("--sort")
    {
        Description = $"Sort by FIELD, one of: {string.Join(", ", SortFields.Names)} (bytes and packets: both directions added)",
        HelpName = "FIELD",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (SortFields.TryParse(text, out SortField field))
            {
                return field;
            }

            result.AddError($"'{text}' is not a sort field (one of: {string.Join(", ", SortFields.Names)})");
            return null;
        },
    };

    public static readonly Option<bool> Reverse = new("--reverse")
    {
        Description = "Largest first (with --sort)",
    };

    public static readonly Option<int?> Offset = new("--offset")
    {
        Description = "Skip the first N matching connections",
        HelpName = "N",
        CustomParser = ValueParsers.Struct<int>("offset", ValueParsers.NonNegative),
    };

    public static readonly Option<int?> Limit = new("--limit", "-l")
    {
        Description = "Show at most N connections",
        HelpName = "N",
        CustomParser = ValueParsers.Struct<int>("limit", ValueParsers.NonNegative),
    };

    public static readonly Option<bool> Count = new("--count", "-c")
    {
        Description = "Print only the number of matching connections",
    };

    public static readonly Option<bool> NoHeader = new("--no-header")
    {
        Description = "Leave out the table's header line",
    };

    public static Command Create()
    {
        var command = new Command("list", """
            List the kernel's connection tracking table.

            Without options, every connection of both families is shown as a table.
            Filters combine: all must hold. Unsorted output streams as the kernel
            answers, in constant memory; the family, mark/mask, status, protocol,
            port and exact IPv4 address filters are applied by the kernel itself.

            Examples:
              pyctd list -p tcp --state ESTABLISHED
              pyctd list --sort bytes --reverse --limit 20      # top talkers
              pyctd list -s 192.168.1.0/24 -o json | jq '.[].orig_dst'
              pyctd list -o conntrack                           # same lines as conntrack -L
            """);
        command.Aliases.Add("ls");
        FilterOptions.AddTo(command);
        foreach (Option option in new Option[] { OutputOptions.Format, Sort, Reverse, Offset, Limit, Count, NoHeader })
        {
            command.Options.Add(option);
        }

        command.SetAction(result => CommandRunner.Run(result, () => Run(result)));
        return command;
    }

    private static ExitCode Run(ParseResult result)
    {
        ConnectionFilter filter = FilterOptions.Build(result);
        if (result.GetValue(Reverse) && result.GetValue(Sort) is null)
        {
            throw new PyctdException(ExitCode.Usage, "--reverse needs --sort FIELD (the kernel's order has no meaning to reverse)");
        }

        var request = new ListRequest(
            filter,
            result.GetValue(OutputOptions.Format) ?? OutputFormat.Table,
            result.GetValue(Sort),
            result.GetValue(Reverse),
            result.GetValue(Offset) ?? 0,
            result.GetValue(Limit),
            result.GetValue(Count),
            !result.GetValue(NoHeader));

        var watch = Stopwatch.StartNew();
        using var stdout = Console.OpenStandardOutput();
        int shown = Execute(request, result.GetValue(GlobalOptions.Netns), stdout, out bool interrupted);
        if (interrupted)
        {
            Console.Error.WriteLine("pyctd: warning: the table changed while it was read (NLM_F_DUMP_INTR): an entry may be missing or shown twice");
        }

        CommandRunner.Report(result, watch, $"{shown} connections listed");
        return ExitCode.Success;
    }

    internal sealed record ListRequest(
        ConnectionFilter Filter,
        OutputFormat Format,
        SortField? Sort,
        bool Reverse,
        int Offset,
        int? Limit,
        bool CountOnly,
        bool Header);

    /// <summary>The whole listing, separate from the command line so tests can drive it. Returns the entries written (or counted).</summary>
    internal static int Execute(ListRequest request, string? netns, Stream destination, out bool interrupted)
    {
        using var dumper = new ConntrackDumper(netns);
        using var output = new OutputBuffer(destination);
        try
        {
            int written = Write(request, dumper, output);
            interrupted = dumper.Interrupted;
            return written;
        }
        catch
        {
            output.Discard();
            throw;
        }
    }

    private static int Write(ListRequest request, ConntrackDumper dumper, OutputBuffer output)
    {
        if (request.CountOnly)
        {
            var counter = new CountingSink();
            dumper.Dump(request.Filter, counter);
            int counted = Math.Max(0, counter.Count - request.Offset);
            if (request.Limit is int cap)
            {
                counted = Math.Min(counted, cap);
            }

            output.Write((ulong)counted);
            output.Write((byte)'\n');
            return counted;
        }

        IRecordWriter writer = OutputOptions.CreateWriter(request.Format, output, request.Header);

        writer.Begin();
        int written;
        if (request.Sort is SortField field)
        {
            // Sorted output keeps records (never strings) and formats once the dump is over.
            using var table = new RecordTable();
            int? keep = request.Limit is int limit ? request.Offset + limit : null;
            var top = new TopRecords(table, new RecordComparer(field, request.Reverse), keep);
            dumper.Dump(request.Filter, top);
            Span<ConntrackRecord> records = top.Finish();
            written = 0;
            for (int i = request.Offset; i < records.Length; i++)
            {
                writer.Write(records[i]);
                written++;
            }
        }
        else
        {
            var sink = new StreamingSink(writer, request.Offset, request.Limit);
            int accepted = dumper.Dump(request.Filter, sink);
            written = Math.Max(0, Math.Min(accepted - request.Offset, request.Limit ?? int.MaxValue));
        }

        writer.End();
        return written;
    }

    private sealed class CountingSink : IRecordSink
    {
        public int Count { get; private set; }

        public bool Accept(in ConntrackRecord record)
        {
            Count++;
            return true;
        }
    }
}
