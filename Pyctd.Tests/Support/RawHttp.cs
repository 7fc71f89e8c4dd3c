using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pyctd.Tests.Support;

/// <summary>Hand-written HTTP requests, byte for byte as PHP's or Node's clients (or an attacker) send them.</summary>
internal static class RawHttp
{
    public sealed record Response(int Status, string Headers, string Body);

    /// <param name="from">The loopback address to connect from (127.0.0.2, ...); by default the kernel's choice, 127.0.0.1.</param>
    public static Response Post(int port, string body, string version = "HTTP/1.1", string extraHeaders = "", IPAddress? from = null) =>
        Send(port, Encoding.UTF8.GetBytes(
            $"POST /RPC2 {version}\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n{extraHeaders}\r\n{body}"), from: from);

    public static Response Send(int port, byte[] request, Stream? bodySource = null, IPAddress? from = null)
    {
        using TcpClient client = Connect(port, from);
        client.ReceiveTimeout = 30_000;
        client.SendTimeout = 30_000;
        using NetworkStream stream = client.GetStream();
        try
        {
            stream.Write(request);
            bodySource?.CopyTo(stream);
        }
        catch (IOException)
        {
            // The server may answer and close before reading everything we meant to send.
        }

        using var received = new MemoryStream();
        try
        {
            stream.CopyTo(received);
        }
        catch (IOException)
        {
        }

        byte[] bytes = received.ToArray();
        int split = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        string head = Encoding.UTF8.GetString(bytes, 0, split < 0 ? bytes.Length : split);
        byte[] body = split < 0 ? [] : bytes[(split + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        int status = head.Length >= 12 && int.TryParse(head.AsSpan(9, 3), out int code) ? code : 0;
        return new Response(status, head, Encoding.UTF8.GetString(body));
    }

    /// <summary>The body of a chunked response: each "size CRLF data CRLF" joined, up to the last chunk (size 0).</summary>
    private static byte[] Dechunk(byte[] chunked)
    {
        using var body = new MemoryStream();
        int at = 0;
        while (at < chunked.Length)
        {
            int lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            int size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd).Split(';')[0].Trim(), 16);
            at += lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            body.Write(chunked, at, Math.Min(size, chunked.Length - at));
            at += size + 2;
        }

        return body.ToArray();
    }

    /// <summary>A connection to the server on 127.0.0.1, from <paramref name="from"/> when given.</summary>
    public static TcpClient Connect(int port, IPAddress? from = null)
    {
        var client = from is null ? new TcpClient() : new TcpClient(new IPEndPoint(from, 0));
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static string Call(string method, params string[] parameterValues) =>
        $"<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName><params>"
        + string.Concat(parameterValues.Select(static v => $"<param><value>{v}</value></param>"))
        + "</params></methodCall>";
}
