using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pyctd.Serve.WebConsole;

/// <summary>
/// GET (and HEAD) of the console: / and /index.html, and the hashed directory console/VERSION/.
/// The page talks to the server only through the XML-RPC API at POST /RPC2, like any client.
/// With the console off, GET / answers 404.
/// </summary>
internal static class ConsoleEndpoint
{
    private static readonly string[] s_readMethods = [HttpMethods.Get, HttpMethods.Head];

    public static void Map(IEndpointRouteBuilder routes, bool enabled)
    {
        if (!enabled)
        {
            // Without this, routing would answer GET / with 405 (POST / is XML-RPC).
            routes.MapMethods("/", s_readMethods, static context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            return;
        }

        routes.MapMethods("/", s_readMethods, static context => SendAsync(context, ConsoleAssets.Embedded.Index));
        routes.MapMethods("/index.html", s_readMethods, static context => SendAsync(context, ConsoleAssets.Embedded.Index));
        routes.MapMethods("/console/{version}/{name}", s_readMethods, static context =>
        {
            ConsoleAssets assets = ConsoleAssets.Embedded;
            var values = context.Request.RouteValues;
            // An old version's name gets 404 rather than today's file under a year-long cache.
            bool current = (values["version"] as string) == assets.Version;
            return current && assets.Find(values["name"] as string ?? string.Empty) is ConsoleAsset asset
                ? SendAsync(context, asset)
                : NotFound(context);
        });
    }

    private static Task NotFound(HttpContext context)
    {
        SecurityHeaders.Apply(context.Response);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static Task SendAsync(HttpContext context, ConsoleAsset asset)
    {
        HttpResponse response = context.Response;
        SecurityHeaders.Apply(response);
        response.Headers.ETag = asset.ETag;
        response.Headers.Vary = "Accept-Encoding";
        // Hashed names never change content; index.html is asked again each time (a 304 when unchanged).
        response.Headers.CacheControl = asset.Immutable ? "public, max-age=31536000, immutable" : "no-cache";
        if (context.Request.Headers.IfNoneMatch.ToString().Contains(asset.ETag, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        byte[] body = asset.Identity;
        if (context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.ContentEncoding = "gzip";
            body = asset.Gzip;
        }

        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
