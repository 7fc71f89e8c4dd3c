using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Pyctd.Serve.Api;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve;

/// <summary>
/// The HTTP side of XML-RPC: POST a methodCall to / or /RPC2, get HTTP 200 with a methodResponse
/// or a fault. Request bodies may be gzip (capped after decompression); large view() answers are
/// streamed, gzip when the client accepts it. Nothing a client sends can take the server down:
/// every failure becomes a fault, and the next request is served as usual.
/// </summary>
internal sealed class XmlRpcEndpoint(ConntrackService service, ServeSettings settings, bool verbose)
{
    public async Task HandleAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.ContentType = "text/xml; charset=utf-8";
        string client = context.Connection.RemoteIpAddress?.ToString() ?? "local";

        MethodResult result;
        try
        {
            XmlRpcCall call = ReadCall(context.Request);
            result = service.Invoke(call, client);
        }
        catch (XmlRpcFault fault)
        {
            await WriteFaultAsync(response, fault.Code, fault.Message);
            return;
        }
        catch (RequestTooLargeException tooLarge)
        {
            await WriteFaultAsync(response, XmlRpcFault.ParseError, $"parse error: {tooLarge.Message}");
            return;
        }
        catch (BadHttpRequestException bad)
        {
            await WriteFaultAsync(response, XmlRpcFault.ParseError, $"parse error: {bad.Message}");
            return;
        }
        catch (InvalidDataException)
        {
            await WriteFaultAsync(response, XmlRpcFault.ParseError, "parse error: the gzip request body is corrupt");
            return;
        }
        catch (PyctdException kernel)
        {
            await WriteFaultAsync(response, XmlRpcFault.KernelRefused, kernel.Message);
            return;
        }
        catch (Exception unexpected)
        {
            Console.Error.WriteLine(verbose ? $"pyctd: internal error: {unexpected}" : $"pyctd: internal error: {unexpected.Message}");
            await WriteFaultAsync(response, XmlRpcFault.Internal, "internal error");
            return;
        }

        switch (result)
        {
            case MethodResult.ViewPage page:
                try
                {
                    WriteViewPage(context, page);
                }
                finally
                {
                    page.Release();
                }

                break;
            case MethodResult.Value value:
                try
                {
                    XmlRpcWriter.EnsureWritable(value.Result);
                }
                catch (XmlRpcFault fault)
                {
                    await WriteFaultAsync(response, fault.Code, fault.Message);
                    return;
                }

                using (var buffer = new MemoryStream())
                {
                    XmlRpcWriter.WriteResponse(buffer, value.Result);
                    response.ContentLength = buffer.Length;
                    await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
                }

                break;
        }
    }

    private XmlRpcCall ReadCall(HttpRequest request)
    {
        Stream body = request.Body;
        string encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding == "gzip")
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }
        else if (encoding is not ("" or "identity"))
        {
            throw new XmlRpcFault(XmlRpcFault.NotXmlRpc, $"not XML-RPC: unsupported Content-Encoding '{encoding}' (identity or gzip)");
        }

        using var limited = new LimitedReadStream(body, settings.MaxRequestBytes);
        return XmlRpcReader.ReadCall(limited, settings.MaxRequestBytes);
    }

    /// <summary>view() pages can be large: streamed, never built in memory, gzip if the client takes it.</summary>
    private static void WriteViewPage(HttpContext context, MethodResult.ViewPage page)
    {
        HttpResponse response = context.Response;
        bool gzip = page.Page.Count > 64 && context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        Stream destination = response.Body;
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
            destination = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        }

        // Not disposed: a BufferedStream would close the response body under Kestrel's feet.
        var buffered = new BufferedStream(destination, 64 * 1024);
        using (var writer = new XmlRpcWriter(buffered))
        {
            writer.BeginResponse();
            ViewPageWriter.Write(writer, page);
            writer.EndResponse();
        }

        buffered.Flush();

        if (gzip)
        {
            destination.Dispose();
        }
    }

    private static async Task WriteFaultAsync(HttpResponse response, int code, string message)
    {
        using var buffer = new MemoryStream();
        XmlRpcWriter.WriteFault(buffer, code, message);
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
