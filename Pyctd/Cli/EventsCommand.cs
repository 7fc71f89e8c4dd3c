using System.CommandLine;
using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;
using Pyctd.Interop;
using Pyctd.Output;

namespace Pyctd.Cli;

/// <summary>`pyctd events`: the live event stream (what `conntrack -E` shows), and with --flows one record per ended connection.</summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var command = new Command("events", """
            Show connection tracking events as they happen (NEW, UPDATE, DESTROY).

            One line or object per event, written as it arrives. The filters are
            list's; family, protocol, ports and IPv4 addresses are also applied by
            the kernel (a socket filter), so unwanted events never reach pyctd. Ends
            after --count events or --timeout seconds, on SIGINT/SIGTERM, or when
            the reader of its output goes away (exit status 0). When the kernel drops
            events because the receive buffer is full, one line on stderr says how
            many; --strict exits 1 instead.

            Examples:
              pyctd events -o conntrack                      # same lines as conntrack -E
              pyctd events -e NEW,DESTROY -p tcp --dport 443
              pyctd events --flows -o jsonl >> /var/log/flows.jsonl
            """);
        FilterOptions.AddTo(command);
        foreach (Option option in EventOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(result => CommandRunner.Run(result, () => Run(result)));
        return command;
    }

    internal sealed record EventsRequest(
        FilterSpec Filter,
        ConntrackEventTypes Types,
        EventOutput Output,
        long? Count,
        TimeSpan? Timeout,
        int BufferBytes,
        bool Strict,
        bool Flows);

    private static ExitCode Run(ParseResult result)
    {
        bool flows = result.GetValue(EventOptions.Flows);
        ConntrackEventTypes? asked = result.GetValue(EventOptions.Events);
        if (flows && asked is { } types && types != ConntrackEventTypes.Destroy)
        {
            throw new PyctdException(ExitCode.Usage, "--flows records ended connections: leave out -e, or give -e DESTROY");
        }

        var request = new EventsRequest(
            FilterOptions.Build(result),
            flows ? ConntrackEventTypes.Destroy : asked ?? ConntrackEventTypes.All,
            result.GetValue(EventOptions.Output) ?? new EventOutput(OutputFormat.Table, TimePrefix: false),
            result.GetValue(EventOptions.Count),
            result.GetValue(EventOptions.Timeout),
            result.GetValue(EventOptions.BufferSize) ?? EventOptions.DefaultBufferBytes,
            result.GetValue(EventOptions.Strict),
            flows);

        using var stdout = Console.OpenStandardOutput();
        return Execute(request, result.GetValue(GlobalOptions.Netns), stdout, watchedFd: 1, GlobalOptions.IsVerbose(result));
    }

    /// <summary>The whole command, apart from the command line so tests can drive it.</summary>
    internal static ExitCode Execute(EventsRequest request, string? netns, Stream destination, int watchedFd, bool verbose)
    {
        CheckSysctls(request, netns);
        using var listener = new ConntrackEventListener(netns, new EventSubscription(request.Types, request.BufferBytes, EventKernelPlan.For(request.Filter)));
        if (verbose)
        {
            Console.Error.WriteLine(
                $"pyctd: listening for {TypesText(request.Types)} events; receive buffer {listener.ReceiveBufferBytes} bytes; " +
                $"kernel filter: {(listener.KernelFilterInstructions > 0 ? $"{listener.KernelFilterInstructions} BPF instructions" : "none")}; " +
                $"DESTROY redelivery (NETLINK_BROADCAST_ERROR): {(listener.ReliableDestroy ? "on" : "off")}");
        }

        using var wakeup = new EventWakeup();
        // A signal ends the way --count does: the output is completed, the status is 0.
        using var signals = new StopSignals(wakeup.Signal);
        using var output = new OutputBuffer(destination);
        using NetlinkPortOwners? owners = request.Output.Format == OutputFormat.Conntrack ? new NetlinkPortOwners(netns) : null;
        IEventWriter writer = request.Output.Format switch
        {
            OutputFormat.Conntrack => new ConntrackEventWriter(output, request.Output.TimePrefix, owners!),
            OutputFormat.Json => new JsonEventWriter(output, lines: false),
            OutputFormat.Jsonl => new JsonEventWriter(output, lines: true),
            _ => new TableEventWriter(output),
        };
        var printer = new EventPrinter(request.Filter.Compile(ratesAvailable: false), writer, output, request.Count, request.Strict);
        writer.Begin();
        output.Flush();
        EventStop stop = listener.Run(printer, wakeup, watchedFd, request.Timeout);
        if (stop == EventStop.OutputClosed)
        {
            output.Discard();
            return ExitCode.Success;
        }

        writer.End();
        if (verbose)
        {
            Console.Error.WriteLine($"pyctd: {listener.Received} events received, {printer.Shown} shown, {listener.Dropped} dropped by the kernel ({stop})");
        }

        return stop == EventStop.Overrun ? ExitCode.Failure : ExitCode.Success;
    }

    /// <summary>"NEW,UPDATE,DESTROY", as -e takes them.</summary>
    private static string TypesText(ConntrackEventTypes types) => string.Join(',',
        new[] { (ConntrackEventTypes.New, "NEW"), (ConntrackEventTypes.Update, "UPDATE"), (ConntrackEventTypes.Destroy, "DESTROY") }
            .Where(pair => (types & pair.Item1) != 0).Select(static pair => pair.Item2));

    /// <summary>--flows needs counters and timestamps in the DESTROY events, and any event needs events on.</summary>
    private static void CheckSysctls(EventsRequest request, string? netns)
    {
        long[] values = KernelSettings.ReadIntegers(netns, KernelSettings.Events, KernelSettings.Accounting, KernelSettings.Timestamps);
        string where = netns is null ? string.Empty : $"ip netns exec {netns} ";
        if (values[0] == 0)
        {
            throw new PyctdException(ExitCode.Failure, $"conntrack events are off in this namespace (net.netfilter.nf_conntrack_events=0): {where}sysctl -w net.netfilter.nf_conntrack_events=1");
        }

        if (!request.Flows)
        {
            return;
        }

        string[] off = [.. new[] { KernelSettings.Accounting, KernelSettings.Timestamps }.Where((_, i) => values[i + 1] != 1)];
        if (off.Length > 0)
        {
            throw new PyctdException(ExitCode.Failure,
                $"--flows needs {string.Join(" and ", off.Select(static name => name + "=1"))} (off in this namespace): " +
                $"{where}sysctl -w {string.Join(' ', off.Select(static name => $"net.netfilter.{name}=1"))} (it counts connections that start after it)");
        }
    }

    /// <summary>Filters each event with list's compiled filter, writes it, and turns overruns into one line on stderr.</summary>
    private sealed class EventPrinter(CompiledFilter filter, IEventWriter writer, OutputBuffer output, long? count, bool strict) : IEventSink
    {
        public long Shown { get; private set; }

        public bool Accept(in ConntrackEvent conntrackEvent, in ConntrackRecord record)
        {
            if (!filter.Matches(record, Domain.Rates.None))
            {
                return true;
            }

            writer.Write(conntrackEvent, record);
            Shown++;
            return count is not long limit || Shown < limit;
        }

        public void Flush() => output.Flush();

        public bool Overrun(ulong dropped, long sinceUnixNanoseconds, bool redelivered)
        {
            Span<byte> time = stackalloc byte[32];
            string since = System.Text.Encoding.ASCII.GetString(time[..EventFields.FormatTime(sinceUnixNanoseconds, time)]);
            string what = redelivered
                ? $"{dropped} deliveries failed since {since}; the kernel sends those DESTROY events again"
                : $"{dropped} events lost since {since}";
            Console.Error.WriteLine($"pyctd: event buffer overrun: {what} " + (strict ? "(--strict: stopping)" : "(a larger --buffer-size helps)"));
            return !strict;
        }
    }
}
