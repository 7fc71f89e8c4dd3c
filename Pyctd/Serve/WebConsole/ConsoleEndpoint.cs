using Microsoft.AspNetCore.Http;

namespace Pyctd.Serve.WebConsole;

/// <summary>
/// GET (and HEAD) of the console: / and /index.html, and the hashed directory console/VERSION/
/// (<see cref="ServeRoutes"/> sends them here). The page talks to the server only through the
/// XML-RPC API at POST /RPC2, like any client. With the console off, these paths answer 404.
/// </summary>
internal static class ConsoleEndpoint
{
    public static Task IndexAsync(HttpContext context) => SendAsync(context, ConsoleAssets.Embedded.Index);

    /// <summary>console/VERSION/NAME: an old version's name gets 404 rather than today's file under a year-long cache.</summary>
    public static Task AssetAsync(HttpContext context, string version, string name)
    {
        ConsoleAssets assets = ConsoleAssets.Embedded;
        return version == assets.Version && assets.Find(name) is ConsoleAsset asset
            ? SendAsync(context, asset)
            : NotFound(context);
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
