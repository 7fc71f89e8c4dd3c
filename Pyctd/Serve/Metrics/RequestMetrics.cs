using System.Diagnostics;
using Pyctd.Serve.Api;

namespace Pyctd.Serve.Metrics;

/// <summary>
/// What the XML-RPC endpoint counts for /metrics: requests by method and fault code, their
/// durations as a histogram by method, and failed logins (login's fault 1, the only method that
/// answers it, counted with the rest). Process-wide, as the GC's counters are.
/// Method names are the catalog's or "unknown", so a client cannot add labels without end.
/// </summary>
internal static class RequestMetrics
{
    /// <summary>Upper bounds of the duration histogram, in seconds.</summary>
    public static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<(string Method, int Code), ulong> s_requests = [];
    private static readonly Dictionary<string, Histogram> s_durations = new(StringComparer.Ordinal);

    /// <summary>One request, or one call of a system.multicall: its method, its fault code (0: none), since when it ran.</summary>
    public static void Record(string method, int faultCode, long startedTimestamp)
    {
        string name = MethodCatalog.Find(method) is null ? "unknown" : method;
        double seconds = Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds;
        lock (s_lock)
        {
            s_requests[(name, faultCode)] = s_requests.GetValueOrDefault((name, faultCode)) + 1;
            if (!s_durations.TryGetValue(name, out Histogram? histogram))
            {
                histogram = new Histogram();
                s_durations.Add(name, histogram);
            }

            histogram.Observe(seconds);
        }
    }

    public static void Write(PrometheusText text)
    {
        lock (s_lock)
        {
            text.Family("pyctd_xmlrpc_requests_total", "counter", "XML-RPC calls answered, by method and fault code (0: no fault); a system.multicall counts once and each of its calls once more");
            foreach (var ((method, code), count) in s_requests.OrderBy(static r => r.Key.Method, StringComparer.Ordinal).ThenBy(static r => r.Key.Code))
            {
                text.Sample("pyctd_xmlrpc_requests_total", count, ("method", method), ("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            text.Family("pyctd_xmlrpc_request_duration_seconds", "histogram", "Time from a call's start until its answer was written (in a system.multicall: until its result was ready), by method");
            foreach (var (method, histogram) in s_durations.OrderBy(static d => d.Key, StringComparer.Ordinal))
            {
                histogram.Write(text, "pyctd_xmlrpc_request_duration_seconds", method);
            }

            text.Single("pyctd_login_failures_total", "counter", "Failed and throttled logins",
                s_requests.GetValueOrDefault(("login", XmlRpc.XmlRpcFault.AuthenticationFailed)));
        }
    }

    private sealed class Histogram
    {
        private readonly ulong[] _counts = new ulong[Buckets.Length];
        private ulong _count;
        private double _sum;

        public void Observe(double seconds)
        {
            for (int i = 0; i < Buckets.Length; i++)
            {
                if (seconds <= Buckets[i])
                {
                    _counts[i]++;
                }
            }

            _count++;
            _sum += seconds;
        }

        public void Write(PrometheusText text, string name, string method)
        {
            for (int i = 0; i < Buckets.Length; i++)
            {
                text.Sample(name + "_bucket", _counts[i], ("method", method), ("le", PrometheusText.Number(Buckets[i])));
            }

            text.Sample(name + "_bucket", _count, ("method", method), ("le", "+Inf"));
            text.Sample(name + "_sum", _sum, ("method", method));
            text.Sample(name + "_count", _count, ("method", method));
        }
    }
}
