using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pyctd.Serve.Api;
using Pyctd.Serve.Auth;
using Pyctd.Serve.Snapshots;

namespace Pyctd.Serve;

/// <summary>Runs the XML-RPC server on Kestrel until SIGTERM or SIGINT.</summary>
internal static class ServeHost
{
    /// <summary>Idle time after which a connection is closed. Reverse proxies that keep connections to serve must close theirs sooner.</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(10);

    /// <param name="authenticator">Null for --auth none.</param>
    /// <param name="reread">The settings as the config file and command line give them now, for SIGHUP.</param>
    public static ExitCode Run(ServeSettings settings, IAuthenticator? authenticator, Func<ServeSettings> reread, bool verbose)
    {
        Interop.NativeHeap.TuneForServer(); // before the first dump and the first threads allocate
        X509Certificate2? certificate = LoadCertificate(settings);
        Action<string> audit = static line => Console.Error.WriteLine($"pyctd: audit: {line}");
        var connections = new ConnectionLimits(settings.MaxConnectionsPerAddress, Interop.OpenFileLimit.RaiseToHardLimit(), audit);
        var live = new LiveSettings(settings);
        var sessions = new SessionStore(settings.SessionTimeout);
        using var snapshots = new SnapshotStore(settings.Netns, sessions.MinAutoRefresh);
        snapshots.AcquireRefreshed().Release(); // fail at start-up, with a clear line, if the table cannot be read
        snapshots.StartRefreshing();

        // Expired sessions let go of their pinned snapshots even when nobody logs in to sweep them.
        using var sweeper = new Timer(_ => sessions.Sweep(), null, settings.SessionTimeout, settings.SessionTimeout);
        Action<string> log = static line => Console.Error.WriteLine($"pyctd: {line}");
        using UsersFileWatcher? usersWatcher = authenticator is FileAuthenticator file ? new UsersFileWatcher(file, sessions, log) : null;
        var reloader = new ServeReloader(reread, live, sessions, usersWatcher, every => sweeper.Change(every, every), log);
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            // SIGHUP would end the process; it reloads instead, off the signal's thread.
            signal.Cancel = true;
            ThreadPool.QueueUserWorkItem(static reload => reload.Reload(), reloader, preferLocal: false);
        });
        var logins = new LoginService(live, authenticator, sessions, new LoginThrottle(), audit);
        var service = new ConntrackService(settings, live, logins, snapshots, sessions, audit);
        var endpoint = new XmlRpcEndpoint(service, settings, verbose);
        var metrics = new Metrics.MetricsEndpoint(settings, snapshots, sessions);

        var routes = new ServeRoutes(endpoint, metrics, settings.Console);
        using var server = BareKestrel.Create(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Every read and write is asynchronous: a synchronous one holds a thread for as long as a slow client takes.
            kestrel.AllowSynchronousIO = false;
            ApplyLimits(kestrel.Limits, settings, connections);
            foreach (ListenAddress address in settings.Listen)
            {
                Action<ListenOptions> configure = options =>
                {
                    options.Protocols = HttpProtocols.Http1;
                    // First, before TLS: a connection over its address's limit costs no handshake.
                    options.Use(connections.Limit);
                    options.Use(Metrics.MetricsEndpoint.Tag(address, settings.Metrics));
                    if (certificate is not null)
                    {
                        options.UseHttps(certificate);
                    }
                };
                if (address.UnixSocketPath is string path)
                {
                    RemoveStaleSocket(path);
                    kestrel.ListenUnixSocket(path, configure);
                }
                else
                {
                    kestrel.Listen(address.Address!, address.Port, configure);
                }
            }

            ListenForMetrics(kestrel, settings, connections);
        }, verbose);

        // SIGTERM (systemd's stop) and SIGINT end the server; they are caught before it starts, so a
        // signal that arrives during start-up is not lost.
        using var stopping = new ManualResetEventSlim();
        using var signals = new StopSignals(stopping.Set);
        // Every request runs in a RequestScope: the sessions it names stay in use until its answer
        // has been written, and it may log in once.
        RequestDelegate scoped = async context =>
        {
            using var request = RequestScope.Begin();
            await routes.HandleAsync(context);
        };
        try
        {
            server.Start(scoped);
        }
        catch (Exception bind) when (bind is IOException or System.Net.Sockets.SocketException)
        {
            throw new PyctdException(ExitCode.Failure, $"cannot listen: {bind.Message}");
        }

        string scheme = certificate is null ? "http" : "https";
        foreach (ListenAddress address in settings.Listen)
        {
            // One line per address (scripts and tests read them): the console, when on, is named on it.
            string consoleNote = settings.Console && address.UnixSocketPath is null ? $", web console on {scheme}://{address}/" : string.Empty;
            Console.Error.WriteLine($"pyctd: serving XML-RPC on {(address.UnixSocketPath is null ? $"{scheme}://{address}/RPC2" : $"{address} ({scheme})")}{consoleNote}");
        }

        if (settings.MetricsListen is ListenAddress metricsAddress)
        {
            Console.Error.WriteLine($"pyctd: serving /metrics only on http://{metricsAddress}/metrics");
        }

        Console.Error.WriteLine($"pyctd: auth {authenticator?.Description ?? "none"}, "
            + $"{(settings.ReadOnly ? "read-only, " : string.Empty)}sessions expire after {settings.SessionTimeout.TotalSeconds:0} s idle, "
            + $"at most {connections.PerAddress} connections per address and {connections.Total} in all");
        stopping.Wait();
        server.Stop(ShutdownGrace);
        return ExitCode.Success;
    }

    /// <summary>How long requests under way may take to finish once serve is told to stop.</summary>
    private static TimeSpan ShutdownGrace => TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long and how slowly a client may hold a connection (docs/decisions.md, "serve"; pyctd(8),
    /// LIMITS). Every value is set here, none left to Kestrel's defaults, so the documentation can
    /// name them.
    /// </summary>
    private static void ApplyLimits(KestrelServerLimits limits, ServeSettings settings, ConnectionLimits connections)
    {
        limits.MaxRequestBodySize = settings.MaxRequestBytes;
        limits.MaxRequestHeadersTotalSize = 32 * 1024;
        limits.MaxConcurrentConnections = connections.Total;
        // A connection with no request under way, the first one included, is closed after this.
        limits.KeepAliveTimeout = KeepAliveTimeout;
        // The request line and headers must arrive within this, however slowly they trickle in.
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        // A body (at most --max-request-size) must arrive at 1 KiB/s on average, after a 5 s grace;
        // an answer must be taken at 240 bytes/s. Slower connections are closed.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));
        limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
    }

    /// <summary>--metrics-listen: a plain-HTTP listener whose connections get GET /metrics and nothing else.</summary>
    private static void ListenForMetrics(KestrelServerOptions kestrel, ServeSettings settings, ConnectionLimits connections)
    {
        if (settings.MetricsListen is not ListenAddress address)
        {
            return;
        }

        Action<ListenOptions> configure = options =>
        {
            options.Protocols = HttpProtocols.Http1;
            options.Use(connections.Limit);
            options.Use(Metrics.MetricsEndpoint.TagMetricsOnly());
        };
        if (address.UnixSocketPath is string path)
        {
            RemoveStaleSocket(path);
            kestrel.ListenUnixSocket(path, configure);
        }
        else
        {
            kestrel.Listen(address.Address!, address.Port, configure);
        }
    }

    private static X509Certificate2? LoadCertificate(ServeSettings settings)
    {
        if (settings.TlsCertificate is null)
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(settings.TlsCertificate, settings.TlsKey);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new PyctdException(ExitCode.Failure, $"cannot load the TLS certificate {settings.TlsCertificate}: {error.Message}");
        }
    }

    /// <summary>A socket file left by a server that died would make the bind fail; anything else at that path is left alone.</summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!Interop.FileTypes.IsSocket(path))
        {
            return;
        }

        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            throw new PyctdException(ExitCode.Failure, $"cannot listen on unix:{path}: another server answers there");
        }
        catch (System.Net.Sockets.SocketException)
        {
            File.Delete(path);
        }
    }
}
