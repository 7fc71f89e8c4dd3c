using System.CommandLine;
using Pyctd.Serve;
using Pyctd.Serve.Metrics;

namespace Pyctd.Cli;

/// <summary>serve's options for GET /metrics: where it is answered, an own listener, the top-N sources.</summary>
internal static class MetricsOptions
{
    /// <summary>Top-N hosts are one series per host and direction: more than this is not a metric but a dump.</summary>
    public const int MaxTop = 1000;

    public static readonly Option<MetricsMode?> Metrics = new("--metrics")
    {
        Description = "Where GET /metrics (Prometheus) is answered: local (default: loopback and unix listeners), all (every listener; non-loopback ones need TLS), off",
        HelpName = "local|all|off",
        CustomParser = result => ValueParsers.TryParseName(result.Tokens[^1].Value, out MetricsMode mode) ? mode : Error<MetricsMode?>(result, $"'{result.Tokens[^1].Value}' is not a metrics mode (local, all or off)"),
    };

    public static readonly Option<string?> Listen = new("--metrics-listen")
    {
        Description = "Also serve /metrics, and nothing else, over plain HTTP on ADDRESS:PORT (as exporters do)",
        HelpName = "ADDRESS",
    };

    public static readonly Option<int?> Top = new("--metrics-top")
    {
        Description = $"Add the N sources with the highest rates to /metrics, labelled host (default 0: none; at most {MaxTop})",
        HelpName = "N",
        CustomParser = ValueParsers.Struct<int>("number of hosts", static (text, out value, out error) =>
            ValueParsers.NonNegative(text, out value, out error) && (value <= MaxTop || Fail(text, out error))),
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(Metrics);
        command.Options.Add(Listen);
        command.Options.Add(Top);
    }

    /// <summary>The metrics settings from the command line, else the config file; contradictions are usage errors.</summary>
    public static ServeSettings Apply(ParseResult result, ConfigFile config, ServeSettings settings)
    {
        MetricsMode mode = ServeCommand.Given(result, Metrics) ? result.GetValue(Metrics) ?? MetricsMode.Local
            : config.Text("metrics") is string text ? (ValueParsers.TryParseName(text, out MetricsMode fromFile) ? fromFile
                : throw new PyctdException(ExitCode.Usage, $"{config.Path}: metrics: '{text}' is not a metrics mode (local, all or off)"))
            : MetricsMode.Local;
        string? listenText = ServeCommand.Given(result, Listen) ? result.GetValue(Listen) : config.Text("metrics-listen");
        ListenAddress? listen = null;
        if (listenText is not null && !ListenAddress.TryParse(listenText, out listen, out string? error))
        {
            throw new PyctdException(ExitCode.Usage, $"--metrics-listen: {error}");
        }

        int top = (ServeCommand.Given(result, Top) ? result.GetValue(Top) : config.Integer("metrics-top", 0)) ?? 0;
        if (top > MaxTop)
        {
            throw new PyctdException(ExitCode.Usage, $"{config.Path}: metrics-top: {top} is more than {MaxTop}");
        }

        if (mode == MetricsMode.All && settings.TlsCertificate is null && settings.Listen.FirstOrDefault(static a => !a.IsLoopback) is { } exposed)
        {
            throw new PyctdException(ExitCode.Usage,
                $"--metrics all would serve /metrics in plain HTTP on {exposed}, which is not loopback: add --tls-cert, or use --metrics-listen");
        }

        return settings with { Metrics = mode, MetricsListen = listen, MetricsTop = top };
    }

    private static bool Fail(string text, out string? error)
    {
        error = $"'{text}' is more than {MaxTop} hosts";
        return false;
    }

    private static T Error<T>(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

}
