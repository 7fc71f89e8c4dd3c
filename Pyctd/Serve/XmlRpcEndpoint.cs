using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Pyctd.Serve.Api;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve;

/// <summary>
/// The HTTP side of XML-RPC: POST a methodCall to / or /RPC2, get HTTP 200 with a methodResponse
/// or a fault. Request bodies may be gzip or deflate (capped after decompression). All I/O is asynchronous:
/// the body is read into a pooled buffer and parsed from memory, and the answer is written into
/// a pooled buffer handed to the response every <see cref="XmlRpcWriter.ChunkSize"/> bytes (no
/// BufferedStream: the writer's buffer is the buffer). view() pages and multicall results are
/// streamed, never built in memory; pages of more than 64 rows are gzip (or deflate) when the
/// client accepts it. Nothing a client sends can take the server down: every failure becomes a fault, and the
/// next request is served as usual. When the client goes away, writing stops.
/// </summary>
internal sealed class XmlRpcEndpoint(ConntrackService service, ServeSettings settings, bool verbose)
{
    private const int GzipRowThreshold = 64;

    public async Task HandleAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.ContentType = "text/xml; charset=utf-8";
        string client = context.Connection.RemoteIpAddress?.ToString() ?? "local";
        CancellationToken aborted = context.RequestAborted;
        using var writer = new XmlRpcWriter(settings.I8);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        string method = "unknown";
        try
        {
            MethodResult result;
            try
            {
                XmlRpcCall call = await ReadCallAsync(context.Request, aborted);
                method = call.MethodName;
                result = await SettledAsync(service.InvokeAsync(call, client, aborted));
            }
            catch (Exception error) when (!aborted.IsCancellationRequested)
            {
                (int code, string message) = FaultOf(error);
                Metrics.RequestMetrics.Record(method, code, started);
                writer.Fault(code, message);
                await FinishAsync(response, writer, response.Body, aborted);
                return;
            }

            await using Stream? compressed = result is MethodResult.ViewPage { Page.Count: > GzipRowThreshold }
                ? Compress(context.Request, response)
                : null;
            Stream destination = compressed ?? response.Body;
            writer.BeginResponse();
            await WriteResultAsync(writer, result, destination, aborted);
            writer.EndResponse();
            await FinishAsync(response, writer, destination, aborted);
            Metrics.RequestMetrics.Record(method, 0, started);
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // The client has gone: there is no one to answer.
        }
        catch (Exception unexpected) when (response.HasStarted)
        {
            // Too late for a fault: part of the answer is out. Cut the connection so the client sees it is incomplete.
            Console.Error.WriteLine(verbose ? $"pyctd: internal error while answering: {unexpected}" : $"pyctd: internal error while answering: {unexpected.Message}");
            context.Abort();
        }
    }

    private async Task<XmlRpcCall> ReadCallAsync(HttpRequest request, CancellationToken aborted)
    {
        string encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip" or "deflate"))
        {
            throw new XmlRpcFault(XmlRpcFault.NotXmlRpc, $"not XML-RPC: unsupported Content-Encoding '{encoding}' (identity, gzip or deflate)");
        }

        if (encoding == "deflate")
        {
            return await ReadDeflateCallAsync(request, aborted);
        }

        await using GZipStream? gzip = encoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : null;
        using RequestBody body = await RequestBody.ReadAsync(gzip ?? request.Body, settings.MaxRequestBytes, aborted);
        return XmlRpcReader.ReadCall(body.AsStream(), settings.MaxRequestBytes);
    }

    /// <summary>
    /// HTTP's deflate is zlib (RFC 1950), and RPC::XML sends that; some clients send raw deflate
    /// (RFC 1951) under the same name. The first two bytes tell them apart, so the compressed body
    /// is read first (capped as the decompressed one is; deflate never grows text) and then inflated
    /// from memory under the same cap.
    /// </summary>
    private async Task<XmlRpcCall> ReadDeflateCallAsync(HttpRequest request, CancellationToken aborted)
    {
        using RequestBody compressed = await RequestBody.ReadAsync(request.Body, settings.MaxRequestBytes, aborted);
        Stream source = compressed.AsStream();
        await using Stream inflate = DeflateFraming.IsZlib(compressed.AsSpan())
            ? new ZLibStream(source, CompressionMode.Decompress)
            : new DeflateStream(source, CompressionMode.Decompress);
        using RequestBody body = await RequestBody.ReadAsync(inflate, settings.MaxRequestBytes, aborted);
        return XmlRpcReader.ReadCall(body.AsStream(), settings.MaxRequestBytes);
    }

    /// <summary>
    /// A method's result as it will be written: awaited (a login checking its password, a view
    /// waiting for a dump), and a plain value checked to be writable, so that a fault, not half an
    /// answer, reports either failing.
    /// </summary>
    private static async ValueTask<MethodResult> SettledAsync(ValueTask<MethodResult> pending)
    {
        MethodResult result = await pending;
        if (result is MethodResult.Value value)
        {
            XmlRpcWriter.EnsureWritable(value.Result);
        }

        return result;
    }

    /// <summary>Writes a result's value; views and multicalls hand full chunks to <paramref name="destination"/> as they go.</summary>
    private async ValueTask WriteResultAsync(XmlRpcWriter writer, MethodResult result, Stream destination, CancellationToken aborted)
    {
        switch (result)
        {
            case MethodResult.Value value:
                writer.Value(value.Result);
                break;
            case MethodResult.ViewPage page:
                try
                {
                    await ViewPageWriter.WriteAsync(writer, page, destination, aborted);
                }
                finally
                {
                    page.Release(); // the snapshot's lease and the page's pooled rows
                }

                break;
            case MethodResult.GroupList groups:
                await GroupListWriter.WriteAsync(writer, groups, destination, aborted);
                break;
            case MethodResult.Multicall multicall:
                await WriteMulticallAsync(writer, multicall, destination, aborted);
                break;
        }
    }

    /// <summary>
    /// system.multicall's array: each entry is run just before it is written, then streamed (a
    /// one-element array holding its result) or written as a {faultCode, faultString} struct, so
    /// only one entry's result is alive at a time.
    /// </summary>
    private async ValueTask WriteMulticallAsync(XmlRpcWriter writer, MethodResult.Multicall multicall, Stream destination, CancellationToken aborted)
    {
        writer.BeginArray();
        foreach (XmlRpcValue entry in multicall.Calls)
        {
            aborted.ThrowIfCancellationRequested();
            MethodResult result;
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            string method = entry.Member("methodName") is { Kind: XmlRpcKind.String } name ? name.String : "unknown";
            try
            {
                result = await SettledAsync(multicall.Invoke(entry));
            }
            catch (Exception error) when (!aborted.IsCancellationRequested)
            {
                (int code, string message) = FaultOf(error);
                Metrics.RequestMetrics.Record(method, code, started);
                writer.FaultStruct(code, message);
                continue;
            }

            Metrics.RequestMetrics.Record(method, 0, started);

            writer.BeginArray();
            await WriteResultAsync(writer, result, destination, aborted);
            writer.EndArray();
            if (writer.ChunkFull)
            {
                await writer.FlushAsync(destination, aborted);
            }
        }

        writer.EndArray();
    }

    /// <summary>Sends what is pending; an answer that never left the buffer gets a Content-Length, others are chunked.</summary>
    private static async ValueTask FinishAsync(HttpResponse response, XmlRpcWriter writer, Stream destination, CancellationToken aborted)
    {
        if (writer.FlushedLength == 0 && destination == response.Body)
        {
            response.ContentLength = writer.PendingLength;
        }

        await writer.FlushAsync(destination, aborted);
    }

    /// <summary>gzip when the client accepts it, else deflate (zlib, as HTTP means it) when it accepts that, else none.</summary>
    private static Stream? Compress(HttpRequest request, HttpResponse response)
    {
        string accepted = request.Headers.AcceptEncoding.ToString();
        if (accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.ContentEncoding = "gzip";
            return new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
        }

        if (accepted.Contains("deflate", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.ContentEncoding = "deflate";
            return new ZLibStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
        }

        return null;
    }

    /// <summary>The fault a failed call is answered with, alone or as a multicall entry.</summary>
    private (int Code, string Message) FaultOf(Exception error)
    {
        switch (error)
        {
            case XmlRpcFault fault:
                return (fault.Code, fault.Message);
            case RequestTooLargeException or BadHttpRequestException:
                return (XmlRpcFault.ParseError, $"parse error: {error.Message}");
            case InvalidDataException:
                return (XmlRpcFault.ParseError, "parse error: the compressed request body is corrupt");
            case PyctdException kernel:
                return (XmlRpcFault.KernelRefused, kernel.Message);
            default:
                Console.Error.WriteLine(verbose ? $"pyctd: internal error: {error}" : $"pyctd: internal error: {error.Message}");
                return (XmlRpcFault.Internal, "internal error");
        }
    }
}
