namespace Pyctd.Serve;

internal enum AuthMode
{
    /// <summary>login() takes any arguments, like the original without mod_auth.</summary>
    None,

    /// <summary>login(user, password) against the users file.</summary>
    File,

    /// <summary>login(user, password) through PAM, with the service in <see cref="ServeSettings.AuthTarget"/>.</summary>
    Pam,

    /// <summary>login(user, password) by the program in <see cref="ServeSettings.AuthTarget"/>.</summary>
    Exec,
}

/// <summary>Everything `serve` is configured with; built from the command line.</summary>
internal sealed record ServeSettings
{
    public const int DefaultPort = 8469;

    public IReadOnlyList<ListenAddress> Listen { get; init; } = [ListenAddress.Parse($"127.0.0.1:{DefaultPort}"), ListenAddress.Parse($"[::1]:{DefaultPort}")];

    public string? TlsCertificate { get; init; }

    public string? TlsKey { get; init; }

    public AuthMode Auth { get; init; }

    /// <summary>The PAM service (--auth pam:SERVICE) or the program's path (--auth exec:/PATH); null for none and file.</summary>
    public string? AuthTarget { get; init; }

    public string UsersPath { get; init; } = Serve.Auth.UsersFile.DefaultPath;

    public bool ReadOnly { get; init; }

    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int AutoRefreshSeconds { get; init; } = 1;

    /// <summary>Largest request body accepted, after gzip or deflate decompression too.</summary>
    public long MaxRequestBytes { get; init; } = 1024 * 1024;

    public int MaxMulticallCalls { get; init; } = 100;

    /// <summary>Open connections one client address may hold; more are closed at once (docs/decisions.md, "serve").</summary>
    public int MaxConnectionsPerAddress { get; init; } = DefaultMaxConnectionsPerAddress;

    public const int DefaultMaxConnectionsPerAddress = 64;

    public bool AllowUnauthenticatedRemote { get; init; }

    public string? Netns { get; init; }

    /// <summary>--i8: answers carry integers beyond 32 bits as &lt;i8&gt; (default: &lt;double&gt;; words as signed &lt;int&gt;).</summary>
    public bool I8 { get; init; }

    /// <summary>Whether GET / serves the web console (--no-console, `console = false`).</summary>
    public bool Console { get; init; } = true;

    /// <summary>Where GET /metrics is answered (--metrics).</summary>
    public Metrics.MetricsMode Metrics { get; init; }

    /// <summary>A plain-HTTP listener that serves /metrics only (--metrics-listen).</summary>
    public ListenAddress? MetricsListen { get; init; }

    /// <summary>How many top sources by rate /metrics names (--metrics-top; 0: none).</summary>
    public int MetricsTop { get; init; }
}
