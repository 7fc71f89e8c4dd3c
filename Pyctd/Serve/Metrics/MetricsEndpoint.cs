using System.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Pyctd.Conntrack;
using Pyctd.Serve.Snapshots;

namespace Pyctd.Serve.Metrics;

/// <summary>Where GET /metrics is answered (--metrics).</summary>
internal enum MetricsMode
{
    /// <summary>On loopback and unix listeners only (the default): other addresses need --metrics-listen.</summary>
    Local,

    /// <summary>On every listener; a non-loopback one only with TLS.</summary>
    All,

    Off,
}

/// <summary>
/// GET /metrics in the Prometheus text format, 0.0.4. A scrape reads the current snapshot when it
/// is at most --autorefresh seconds old (at least 1 s; the store tolerates a little more, see
/// <see cref="SnapshotStore.AcquireAsync"/>), so scrapes cost at most one dump per such period however
/// often they come; the per-CPU statistics, the kernel's count and the expectations are three
/// small netlink requests per scrape. Each connection is tagged, when its listener accepts it,
/// with what it may ask for: a plain listener of --metrics-listen serves /metrics and nothing else.
/// </summary>
internal sealed class MetricsEndpoint(ServeSettings settings, SnapshotStore snapshots, SessionStore sessions)
{
    private const string AccessItem = "pyctd.metrics";
    private const string MetricsOnly = "only";
    private const string MetricsAllowed = "allowed";

    private readonly Lock _summaryLock = new();
    private TableMetrics? _summary;

    /// <summary>Whether /metrics is answered on <paramref name="address"/>, a --listen address.</summary>
    public static bool Serves(ListenAddress address, MetricsMode mode) => mode switch
    {
        MetricsMode.All => true,
        MetricsMode.Local => address.IsLoopback,
        _ => false,
    };

    /// <summary>Kestrel connection middleware for a --listen listener: marks its connections as allowed /metrics or not.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Tag(ListenAddress address, MetricsMode mode) =>
        Mark(Serves(address, mode) ? MetricsAllowed : null);

    /// <summary>For the --metrics-listen listener: its connections get /metrics and nothing else.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> TagMetricsOnly() => Mark(MetricsOnly);

    /// <summary>Whether the request came on a --metrics-listen connection, which gets GET /metrics and nothing else (<see cref="ServeRoutes"/>).</summary>
    public static bool OnlyMetrics(HttpContext context) => Access(context) == MetricsOnly;

    public async Task HandleAsync(HttpContext context)
    {
        if (Access(context) is not (MetricsOnly or MetricsAllowed))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        string body;
        try
        {
            body = await RenderAsync(context.RequestAborted);
        }
        catch (PyctdException error)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            body = $"pyctd: {error.Message}\n";
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the scraper gave up while the dump ran: no one to answer
        }

        context.Response.ContentType = PrometheusText.ContentType;
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>The whole exposition: kernel, snapshot, server, process. A scrape that has to wait for a dump waits without a thread.</summary>
    internal async ValueTask<string> RenderAsync(CancellationToken aborted)
    {
        var text = new PrometheusText();
        var kernel = ConntrackStatistics.Read(settings.Netns);
        text.Single("pyctd_conntrack_table_entries", "gauge", "Entries in the table now, as the kernel counts them (conntrack -C)", kernel.Entries);
        text.Single("pyctd_conntrack_table_limit", "gauge", "nf_conntrack_max: entries the table may hold", kernel.MaxEntries);
        text.Single("pyctd_conntrack_table_fill_ratio", "gauge", "Entries over nf_conntrack_max (1: full, new connections are dropped)", kernel.FillRatio);
        if (kernel.Buckets >= 0)
        {
            text.Single("pyctd_conntrack_table_buckets", "gauge", "nf_conntrack_buckets: the size of the hash table", kernel.Buckets);
        }

        text.Single("pyctd_conntrack_expectations", "gauge", "Expectations (related connections helpers wait for)", kernel.Expectations);
        WriteCpuCounters(text, kernel);

        Snapshot snapshot = await snapshots.AcquireAsync(Math.Max(settings.AutoRefreshSeconds, 1), aborted);
        try
        {
            SummaryOf(snapshot).Write(text);
            text.Single("pyctd_snapshot_age_seconds", "gauge", "Age of the snapshot this scrape read", snapshot.AgeSeconds);
            text.Single("pyctd_snapshot_entries", "gauge", "Entries the last dump read", snapshot.Count);
        }
        finally
        {
            snapshot.Release();
        }

        text.Single("pyctd_snapshot_dump_duration_seconds", "gauge", "How long the last dump of the table took", snapshots.LastDumpSeconds);
        text.Single("pyctd_snapshot_dumps_total", "counter", "Dumps of the table since start", snapshots.Dumps);
        text.Single("pyctd_sessions", "gauge", "Live XML-RPC sessions", sessions.Count);
        RequestMetrics.Write(text);
        WriteProcess(text);
        return text.ToString();
    }

    private TableMetrics SummaryOf(Snapshot snapshot)
    {
        lock (_summaryLock)
        {
            if (_summary?.TakenTimestamp != snapshot.TakenTimestamp)
            {
                _summary = TableMetrics.Of(snapshot, settings.MetricsTop);
            }

            return _summary;
        }
    }

    private static void WriteCpuCounters(PrometheusText text, ConntrackStatistics kernel)
    {
        ulong?[] totals = kernel.Totals();
        for (int counter = 1; counter < CtaStats.CpuCounterNames.Length; counter++)
        {
            if (totals[counter] is null)
            {
                continue; // not sent by this kernel
            }

            string name = $"pyctd_conntrack_{CtaStats.CpuCounterNames[counter]}_total";
            text.Family(name, "counter", $"Per-CPU conntrack statistic '{CtaStats.CpuCounterNames[counter]}' (conntrack -S)");
            foreach (CpuStatistics cpu in kernel.Cpus)
            {
                if (cpu.Counters[counter] is uint value)
                {
                    text.Sample(name, value, ("cpu", cpu.Cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
    }

    /// <summary>The usual process_* metrics of Prometheus client libraries.</summary>
    private static void WriteProcess(PrometheusText text)
    {
        using var self = Process.GetCurrentProcess();
        text.Single("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", self.TotalProcessorTime.TotalSeconds);
        text.Single("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", self.WorkingSet64);
        text.Single("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", self.VirtualMemorySize64);
        text.Single("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
            new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        text.Single("process_open_fds", "gauge", "Number of open file descriptors.", Directory.GetFileSystemEntries("/proc/self/fd").Length);
        text.Single("process_max_fds", "gauge", "Maximum number of open file descriptors.", Interop.OpenFileLimit.Current());
    }

    private static Func<ConnectionDelegate, ConnectionDelegate> Mark(string? access) => next => connection =>
    {
        if (access is not null)
        {
            connection.Items[AccessItem] = access;
        }

        return next(connection);
    };

    private static string? Access(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(AccessItem, out object? access) == true ? access as string : null;
}
