using System.CommandLine;
using System.Diagnostics;
using Pyctd.Conntrack;
using Pyctd.Domain.Fields;
using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Output;

namespace Pyctd.Cli;

/// <summary>`pyctd list`: show the conntrack table, filtered, sorted and paged, in four formats.</summary>
internal static class ListCommand
{
    public static readonly Option<ConntrackField?> Sort = new("--sort")
    {
        Description = $"Sort by FIELD, one of: {FieldCatalog.SortableNames(withRates: false)} (bytes and packets: both directions added)",
        HelpName = "FIELD",
        CustomParser = result => ValueParsers.FromDomain<ConntrackField?>(
            result, static text => ConnectionOrder.Parse(text, descending: false, ratesAvailable: false).Field, nameOption: false),
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
        FilterSpec filter = FilterOptions.Build(result);
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
        FilterSpec Filter,
        OutputFormat Format,
        ConntrackField? Sort,
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
        CompiledFilter filter = request.Filter.Compile(ratesAvailable: false);
        if (request.CountOnly)
        {
            // Without filters the kernel's counter answers, as for conntrack -C: no dump at all.
            int total = request.Filter.IsEmpty
                ? (int)Math.Min(dumper.CountEntries(), int.MaxValue)
                : FilteredDump.Run(dumper, filter, CountingSink.Instance);
            int counted = Math.Max(0, total - request.Offset);
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
        if (request.Sort is ConntrackField field)
        {
            // Sorted output keeps records (never strings) and formats once the dump is over.
            int? keep = request.Limit is int limit ? (int)Math.Min((long)request.Offset + limit, int.MaxValue) : null;
            using var collector = new OrderedCollector(new ConnectionOrder(field, request.Reverse), keep);
            FilteredDump.Run(dumper, filter, collector);
            using QueryPage page = collector.Finish(request.Offset);
            foreach (int index in page.Rows)
            {
                writer.Write(collector.Table[index]);
            }

            written = page.Count;
        }
        else
        {
            var paging = new PagingSink(new WritingSink(writer), request.Offset, request.Limit);
            FilteredDump.Run(dumper, filter, paging);
            written = paging.Passed;
        }

        writer.End();
        return written;
    }

    private sealed class CountingSink : IRecordSink
    {
        public static readonly CountingSink Instance = new();

        public bool Accept(in ConntrackRecord record) => true;
    }
}
