using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;
using Xunit.Abstractions;

namespace Pyctd.Tests.Live;

/// <summary>
/// The serve path's I/O under abuse: stalled request bodies hold no thread, multicall answers
/// stream in constant memory, and a client that leaves mid-answer costs nothing afterwards.
/// </summary>
[Collection(ServedLabCollection.Name)]
public sealed partial class ServeStreamingTests(ServedLab served, ITestOutputHelper output)
{
    private int Port => served.Server.Port;

    private string Login()
    {
        RawHttp.Response response = RawHttp.Post(Port, RawHttp.Call("login", "<string>viewer</string>", $"<string>{ServerProcess.ViewerPassword}</string>"));
        Assert.Equal(200, response.Status);
        return SessionId().Match(response.Body).Groups[1].Value;
    }

    [Fact]
    public void StalledBodies_FiftyConnections_DoNotDelayALegitimateClient()
    {
        // Headers promise 1,000 bytes; half arrive, then nothing. From 127.0.0.2, so a per-address
        // connection limit does not decide the outcome: what is tested is that waiting holds no thread.
        byte[] stall = Encoding.ASCII.GetBytes("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<methodCall><methodName>login</methodName>" + new string(' ', 457));
        var attackers = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 50; i++)
            {
                var attacker = new TcpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                attackers.Add(attacker);
                attacker.Connect(IPAddress.Loopback, Port);
                attacker.GetStream().Write(stall);
            }

            Thread.Sleep(500); // let the server take them all up

            var clock = Stopwatch.StartNew();
            string session = Login();
            RawHttp.Response page = RawHttp.Post(Port, RawHttp.Call("view", $"<string>{session}</string>", "<struct></struct>", "<string>id</string>", "<string>ASC</string>", "<int>0</int>", "<int>10</int>"));
            clock.Stop();
            output.WriteLine($"login + view behind 50 stalled bodies: {clock.Elapsed.TotalMilliseconds:0} ms");

            Assert.Equal(200, page.Status);
            Assert.Contains("<name>length</name><value><int>10</int></value>", page.Body);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"login and view took {clock.Elapsed.TotalSeconds:0.0} s behind 50 stalled bodies");
        }
        finally
        {
            foreach (TcpClient attacker in attackers)
            {
                attacker.Dispose();
            }
        }
    }

    [Fact]
    public void Multicall_OfWholeTableViews_IsStreamedInConstantMemory()
    {
        const int views = 8;
        string session = Login();
        string view = Entry("view", $"<value><string>{session}</string></value><value><struct></struct></value><value><string>id</string></value><value><string>ASC</string></value><value><int>0</int></value><value><int>0</int></value>");
        string bad = Entry("view", "<value><string>no such session</string></value>");
        string calls = string.Concat(Enumerable.Repeat(view, views / 2)) + bad + string.Concat(Enumerable.Repeat(view, views / 2));
        long peakBefore = served.Server.PeakResidentBytes();

        RawHttp.Response response = RawHttp.Post(Port, RawHttp.Call("system.multicall", $"<array><data>{calls}</data></array>"));

        long growth = served.Server.PeakResidentBytes() - peakBefore;
        output.WriteLine($"multicall of {views} whole-table views: {response.Body.Length} bytes, peak RSS {peakBefore / (1024 * 1024)} MiB before, grew by {growth / (1024 * 1024)} MiB");
        Assert.Equal(200, response.Status);
        // Holding the views as values, as before, grew the server by over 100 MiB here.
        Assert.True(growth < 40L * 1024 * 1024, $"the server's peak RSS grew by {growth / (1024 * 1024)} MiB");
        Assert.Contains("Transfer-Encoding: chunked", response.Headers, StringComparison.OrdinalIgnoreCase);
        int[] totals = Total().Matches(response.Body).Select(static m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(views, totals.Length);
        Assert.All(totals, static total => Assert.True(total >= 3_000, $"total {total}"));
        Assert.Equal(totals.Sum(), CountOf(response.Body, "<member><name>id</name>"));
        Assert.Equal(1, CountOf(response.Body, "<name>faultCode</name><value><int>2</int></value>"));
        Assert.EndsWith("</data></array></value></param></params></methodResponse>", response.Body);
    }

    [Fact]
    public void ClientLeavingMidAnswer_TheServerGoesOnQuietly()
    {
        string session = Login();
        byte[] request = Encoding.UTF8.GetBytes(RawHttpRequest(RawHttp.Call("view", $"<string>{session}</string>")));
        for (int i = 0; i < 5; i++)
        {
            using var client = new TcpClient("127.0.0.1", Port);
            NetworkStream stream = client.GetStream();
            stream.Write(request);
            stream.ReadExactly(new byte[1024]);
            client.Client.LingerState = new LingerOption(true, 0); // reset, as a client that crashed
        }

        RawHttp.Response still = RawHttp.Post(Port, RawHttp.Call("system.listMethods"));
        Assert.Equal(200, still.Status);
        Assert.DoesNotContain(served.Server.LogLines(), static line => line.Contains("internal error", StringComparison.Ordinal));
    }

    private static string RawHttpRequest(string body) =>
        $"POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    private static string Entry(string method, string parameters) =>
        $"<value><struct><member><name>methodName</name><value><string>{method}</string></value></member>"
        + $"<member><name>params</name><value><array><data>{parameters}</data></array></value></member></struct></value>";

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex("<string>([0-9a-f]{64})</string>")]
    private static partial Regex SessionId();

    [GeneratedRegex("<name>total</name><value><int>([0-9]+)</int></value>")]
    private static partial Regex Total();
}
