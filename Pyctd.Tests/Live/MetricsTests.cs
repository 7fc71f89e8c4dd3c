using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// GET /metrics of a live serve on a lab: promtool accepts it, a real Prometheus server scrapes
/// it and answers PromQL with the lab's conntrack -C, and it is answered only where it should be.
/// </summary>
[Collection(ServedLabCollection.Name)]
public sealed class MetricsTests(ServedLab served)
{
    [Fact]
    public void Metrics_PromtoolCheckMetrics_Accepts()
    {
        // Some traffic first, so the request counters and histograms have samples too.
        RawHttp.Post(served.Server.Port, RawHttp.Call("login", "<string>admin</string>", "<string>wrong</string>"));
        RawHttp.Post(served.Server.Port, RawHttp.Call("system.listMethods"));
        string metrics = Scrape(served.Server.Port);
        Assert.Contains("pyctd_conntrack_table_entries ", metrics, StringComparison.Ordinal);
        Assert.Contains("pyctd_xmlrpc_request_duration_seconds_bucket{method=\"system.listMethods\",le=\"+Inf\"}", metrics, StringComparison.Ordinal);
        Assert.Matches(@"pyctd_login_failures_total [1-9]", metrics);

        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, metrics);
            ProcessResult check = ProcessRunner.Run("sh", ["-c", $"promtool check metrics < {file}"]);
            Assert.True(check.ExitCode == 0, $"promtool: {check.Stdout}{check.Stderr}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Metrics_TableAndCpuCounters_AreTheLabs()
    {
        string metrics = Scrape(served.Server.Port);
        Assert.Equal(served.Lab.Count(), Value(metrics, "pyctd_conntrack_table_entries"));
        Assert.Equal(served.Lab.Count(), Samples(metrics, "pyctd_conntrack_entries").Sum());
        int cpus = served.Lab.Conntrack("-S").Lines.Length;
        Assert.Equal(cpus, Samples(metrics, "pyctd_conntrack_insert_total").Count);
        Assert.Contains("pyctd_conntrack_entries{family=\"ipv4\",protocol=\"tcp\",state=\"ESTABLISHED\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("pyctd_conntrack_traffic_bytes{protocol=\"tcp\",direction=\"reply\"}", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("host=", metrics, StringComparison.Ordinal); // only with --metrics-top
    }

    [Fact]
    public void Metrics_ScrapedEvery200ms_DumpAtMostOncePerSnapshotPeriod()
    {
        double before = Value(Scrape(served.Server.Port), "pyctd_snapshot_dumps_total");
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 15; i++)
        {
            Scrape(served.Server.Port);
            Thread.Sleep(200);
        }

        double dumps = Value(Scrape(served.Server.Port), "pyctd_snapshot_dumps_total") - before;
        // The snapshot period is 1 s (--autorefresh) plus the store's tolerance; 15 scrapes that each dumped would be 15.
        Assert.True(dumps <= Math.Ceiling(watch.Elapsed.TotalSeconds) + 1, $"{dumps} dumps in {watch.Elapsed.TotalSeconds:0.0} s of scrapes");
    }

    [Fact]
    public void Prometheus_ScrapesServe_PromQlEqualsConntrackCount()
    {
        string directory = Directory.CreateTempSubdirectory("pyctd-prometheus-").FullName;
        int port = ServerProcess.FreePort();
        File.WriteAllText(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: pyctd
                static_configs:
                  - targets: ["127.0.0.1:{served.Server.Port}"]
            """);
        var start = new ProcessStartInfo("prometheus") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])[$"--config.file={directory}/prometheus.yml", $"--storage.tsdb.path={directory}/data",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process prometheus = Process.Start(start)!;
        prometheus.ErrorDataReceived += static (_, _) => { };
        prometheus.OutputDataReceived += static (_, _) => { };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            double? entries = null;
            double? summed = null;
            var deadline = Stopwatch.StartNew();
            while ((entries is null || summed is null) && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(500);
                entries = Query(http, port, "pyctd_conntrack_table_entries{job=\"pyctd\"}");
                summed = Query(http, port, "sum(pyctd_conntrack_entries{job=\"pyctd\"})");
            }

            Assert.True(entries is not null, "Prometheus never had a sample of pyctd_conntrack_table_entries");
            Assert.Equal(served.Lab.Count(), entries);
            Assert.Equal(served.Lab.Count(), summed);
            Assert.Equal(1, Query(http, port, "up{job=\"pyctd\"}"));
        }
        finally
        {
            prometheus.Kill();
            prometheus.WaitForExit(10_000);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MetricsListen_ServesMetricsOnly_AndMetricsOff_HidesThem()
    {
        int metricsPort = ServerProcess.FreePort();
        using (var server = new ServerProcess(served.Lab, "--metrics-listen", $"127.0.0.1:{metricsPort}", "--metrics", "off"))
        {
            Assert.Equal(HttpStatusCode.NotFound, Get(server.Port, "/metrics").StatusCode);
            Assert.Equal(HttpStatusCode.OK, Get(metricsPort, "/metrics").StatusCode);
            Assert.Equal(HttpStatusCode.OK, Get(metricsPort, "/Metrics/").StatusCode); // matched as on any listener
            RawHttp.Response call = RawHttp.Post(metricsPort, RawHttp.Call("system.listMethods"));
            Assert.Equal(404, call.Status);
            Assert.Equal(200, RawHttp.Post(server.Port, RawHttp.Call("system.listMethods")).Status);
        }

        using (var server = new ServerProcess(served.Lab, "--metrics-top", "2"))
        {
            Assert.Equal(2 * 2, Regex.Count(Scrape(server.Port), "^pyctd_conntrack_host_rate_bytes_per_second\\{host=", RegexOptions.Multiline));
        }
    }

    [Theory]
    [InlineData("--metrics", "everywhere", "'everywhere' is not a metrics mode")]
    [InlineData("--metrics-top", "1001", "more than 1000")]
    [InlineData("--metrics-top", "-1", "'-1' is not a non-negative number")]
    [InlineData("--metrics-listen", "localhost", "is not ADDRESS:PORT")]
    public void Serve_BadMetricsOption_IsOneLineAndExit2(string option, string value, string message)
    {
        ProcessResult serve = PyctdProcess.RunInEmptyNamespace("serve", "--auth", "none", option, value);
        Assert.Equal(2, serve.ExitCode);
        Assert.Contains(message, Assert.Single(serve.Stderr.Trim().Split('\n')), StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_MetricsAllOnPlainNonLoopback_IsRefused()
    {
        ProcessResult serve = PyctdProcess.RunInEmptyNamespace("serve", "--listen", "0.0.0.0:1", "--auth", "none", "--allow-unauthenticated-remote", "--metrics", "all");
        Assert.Equal(2, serve.ExitCode);
        Assert.Contains("--metrics all would serve /metrics in plain HTTP", serve.Stderr, StringComparison.Ordinal);
    }

    private static double? Query(HttpClient http, int port, string promql)
    {
        try
        {
            string answer = http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString(promql)}").GetAwaiter().GetResult();
            using var json = JsonDocument.Parse(answer);
            JsonElement result = json.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return null; // not up yet
        }
    }

    private static string Scrape(int port)
    {
        HttpResponseMessage response = Get(port, "/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
    }

    private static HttpResponseMessage Get(int port, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return http.GetAsync($"http://127.0.0.1:{port}{path}").GetAwaiter().GetResult();
    }

    private static double Value(string metrics, string name) => Samples(metrics, name).Single();

    private static List<double> Samples(string metrics, string name) =>
        metrics.Split('\n').Where(line => line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            .Select(static line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToList();
}
