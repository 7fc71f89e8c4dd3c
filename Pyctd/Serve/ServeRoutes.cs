using Microsoft.AspNetCore.Http;
using Pyctd.Serve.Metrics;
using Pyctd.Serve.WebConsole;

namespace Pyctd.Serve;

/// <summary>
/// What serve answers on which path, as one table: POST / and /RPC2 (XML-RPC), GET /metrics,
/// and GET/HEAD of the console's /, /index.html and /console/VERSION/NAME. A known path asked
/// with another method gets 405 with an Allow header; anything else 404. A connection of
/// --metrics-listen gets GET /metrics and 404 for everything else. Paths match without
/// regard to case and with or without one trailing slash, as ASP.NET Core's routing matched them
/// before: that routing (and the generic host under it) is not in the binary any more
/// (docs/decisions.md, "arm64 and the footprint"), because these five paths are all it routed.
/// </summary>
internal sealed class ServeRoutes(XmlRpcEndpoint xmlRpc, MetricsEndpoint metrics, bool console)
{
    private const string ConsoleDirectory = "/console/";

    public Task HandleAsync(HttpContext context)
    {
        string path = Normalized(context.Request.Path.Value);
        string method = context.Request.Method;
        bool read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (MetricsEndpoint.OnlyMetrics(context) && !(HttpMethods.IsGet(method) && Is(path, "/metrics")))
        {
            return NotFound(context);
        }

        if (Is(path, "/RPC2"))
        {
            return HttpMethods.IsPost(method) ? xmlRpc.HandleAsync(context) : MethodNotAllowed(context, "POST");
        }

        if (Is(path, "/metrics"))
        {
            return HttpMethods.IsGet(method) ? metrics.HandleAsync(context) : MethodNotAllowed(context, "GET");
        }

        if (path == "/")
        {
            // POST / is XML-RPC, as the original pyctd served it; GET / is the console.
            return HttpMethods.IsPost(method) ? xmlRpc.HandleAsync(context)
                : !read ? MethodNotAllowed(context, console ? "GET, HEAD, POST" : "POST")
                : console ? ConsoleEndpoint.IndexAsync(context)
                : NotFound(context);
        }

        if (!console)
        {
            return NotFound(context);
        }

        if (Is(path, "/index.html"))
        {
            return read ? ConsoleEndpoint.IndexAsync(context) : MethodNotAllowed(context, "GET, HEAD");
        }

        if (path.StartsWith(ConsoleDirectory, StringComparison.OrdinalIgnoreCase)
            && path[ConsoleDirectory.Length..].Split('/') is [{ Length: > 0 } version, { Length: > 0 } name])
        {
            return read ? ConsoleEndpoint.AssetAsync(context, version, name) : MethodNotAllowed(context, "GET, HEAD");
        }

        return NotFound(context);
    }

    /// <summary>The path without its one trailing slash ("/" stays "/").</summary>
    private static string Normalized(string? path) =>
        string.IsNullOrEmpty(path) ? "/" : path.Length > 1 && path[^1] == '/' ? path[..^1] : path;

    private static bool Is(string path, string route) => string.Equals(path, route, StringComparison.OrdinalIgnoreCase);

    private static Task MethodNotAllowed(HttpContext context, string allowed)
    {
        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = allowed;
        return Task.CompletedTask;
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
