using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pyctd.Serve;

/// <summary>
/// Kestrel without a host: its server and socket transport from a service container of their
/// own, given one request handler. Serve needs nothing else of ASP.NET Core: no generic host,
/// WebApplication, routing, configuration providers or hosted services, which were a third of the
/// ASP.NET Core code in the binary and paged in at every serve start (docs/decisions.md, "arm64
/// and the footprint"). Kestrel itself, its limits, TLS and connection middleware are as before.
/// </summary>
internal sealed class BareKestrel : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly IServer _server;

    private BareKestrel(ServiceProvider services)
    {
        _services = services;
        _server = services.GetRequiredService<IServer>();
    }

    /// <param name="configure">Limits and listeners, as ConfigureKestrel would take them.</param>
    /// <param name="verbose">Kestrel's own log (connections, bad requests) on stderr.</param>
    public static BareKestrel Create(Action<KestrelServerOptions> configure, bool verbose)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            if (verbose)
            {
                logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information);
            }
        });
        services.AddMetrics();
        // What the host would register for Kestrel's diagnostic events; nobody listens to them here.
        services.AddSingleton<System.Diagnostics.DiagnosticSource>(new System.Diagnostics.DiagnosticListener("Microsoft.AspNetCore"));
        // Kestrel's TLS set-up asks for it (development certificates, relative paths); serve gives
        // the certificate itself, as an absolute path.
        services.AddSingleton<IHostEnvironment>(new ProductionEnvironment());
        new ServicesOnly(services).UseKestrelCore().ConfigureKestrel(configure);
        return new BareKestrel(services.BuildServiceProvider());
    }

    /// <summary>Binds every listener and serves <paramref name="handle"/> until <see cref="Stop"/>.</summary>
    public void Start(RequestDelegate handle) =>
        _server.StartAsync(new Application(handle), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Stops accepting, lets requests under way finish within <paramref name="grace"/>, then closes the rest.</summary>
    public void Stop(TimeSpan grace)
    {
        using var deadline = new CancellationTokenSource(grace);
        _server.StopAsync(deadline.Token).GetAwaiter().GetResult();
    }

    public void Dispose() => _services.Dispose();

    /// <summary>
    /// Each request as a plain HttpContext over Kestrel's features (nobody reads RequestServices),
    /// kept with its connection and reused for the next request on it, as the host did: a new one
    /// per request would double the garbage of a view.
    /// </summary>
    private sealed class Application(RequestDelegate handle) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures)
        {
            if (contextFeatures is not IHostContextContainer<HttpContext> connection)
            {
                return new DefaultHttpContext(contextFeatures);
            }

            if (connection.HostContext is DefaultHttpContext reused)
            {
                reused.Initialize(contextFeatures);
                return reused;
            }

            var created = new DefaultHttpContext(contextFeatures);
            connection.HostContext = created;
            return created;
        }

        public Task ProcessRequestAsync(HttpContext context) => handle(context);

        public void DisposeContext(HttpContext context, Exception? exception) => (context as DefaultHttpContext)?.Uninitialize();
    }

    private sealed class ProductionEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "pyctd";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    /// <summary>
    /// Kestrel's registrations come only through IWebHostBuilder extensions (UseKestrelCore,
    /// ConfigureKestrel), which add services and nothing else; this builder hands them the
    /// container and can build no host.
    /// </summary>
    private sealed class ServicesOnly(IServiceCollection services) : IWebHostBuilder
    {
        public IWebHostBuilder ConfigureServices(Action<IServiceCollection> configureServices)
        {
            configureServices(services);
            return this;
        }

        public IWebHostBuilder ConfigureServices(Action<WebHostBuilderContext, IServiceCollection> configureServices) =>
            throw new NotSupportedException("BareKestrel has no host context");

        public IWebHostBuilder ConfigureAppConfiguration(Action<WebHostBuilderContext, IConfigurationBuilder> configureDelegate) =>
            throw new NotSupportedException("BareKestrel has no configuration");

#pragma warning disable ASPDEPR008 // IWebHost is obsolete, and IWebHostBuilder still names it; nothing builds one here.
        public IWebHost Build() => throw new NotSupportedException("BareKestrel builds no host");
#pragma warning restore ASPDEPR008

        public string? GetSetting(string key) => null;

        public IWebHostBuilder UseSetting(string key, string? value) => this;
    }
}
