using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// Requests the way PHP's and Node's clients write them, and hostile ones: each gets an HTTP 200
/// answer (a fault where it is wrong) and the server goes on serving the next request.
/// </summary>
[Collection(ServedLabCollection.Name)]
public sealed partial class ServeRawHttpTests(ServedLab served)
{
    private int Port => served.Server.Port;

    private string Login()
    {
        RawHttp.Response response = RawHttp.Post(Port, RawHttp.Call("login", "<string>admin</string>", $"<string>{ServerProcess.AdminPassword}</string>"));
        Assert.Equal(200, response.Status);
        return SessionId().Match(response.Body).Groups[1].Value;
    }

    private void AssertStillServing()
    {
        RawHttp.Response response = RawHttp.Post(Port, RawHttp.Call("system.listMethods"));
        Assert.Equal(200, response.Status);
        Assert.Contains("<string>view</string>", response.Body);
        Assert.False(served.Server.HasExited);
    }

    private static void AssertFault(RawHttp.Response response, int code)
    {
        Assert.Equal(200, response.Status);
        Assert.Contains("<fault>", response.Body);
        Assert.Contains($"<name>faultCode</name><value><int>{code}</int></value>", response.Body);
    }

    [Fact]
    public void PhpClient_Http10WithCdataAndExtensions_IsAnswered()
    {
        // PHP's xmlrpc_encode_request: HTTP/1.0, CDATA strings, <ex:nil/> for null, an <int> beyond 32 bits.
        string login = RawHttp.Call("login", "<string><![CDATA[admin]]></string>", $"<string><![CDATA[{ServerProcess.AdminPassword}]]></string>");
        RawHttp.Response loggedIn = RawHttp.Post(Port, login, "HTTP/1.0");
        Assert.Equal(200, loggedIn.Status);
        string session = SessionId().Match(loggedIn.Body).Groups[1].Value;
        Assert.Equal(64, session.Length);

        string view = RawHttp.Call("view", $"<string><![CDATA[{session}]]></string>",
            "<struct><member><name>mark</name><value><int>4294967295</int></value></member></struct>",
            "<string>id</string>", "<string>asc</string>", "<ex:nil/>");
        RawHttp.Response page = RawHttp.Post(Port, view, "HTTP/1.0");
        // <ex:nil/> for start is not an integer: a clear -32602, not a crash.
        AssertFault(page, -32602);

        view = RawHttp.Call("view", $"<string><![CDATA[{session}]]></string>",
            "<struct><member><name>mark</name><value><int>4294967295</int></value></member></struct>");
        page = RawHttp.Post(Port, view, "HTTP/1.0");
        Assert.Equal(200, page.Status);
        Assert.DoesNotContain("chunked", page.Headers, StringComparison.OrdinalIgnoreCase);
        int expected = served.Lab.Conntrack("-L", "-m", "4294967295").Lines.Length;
        Assert.Contains($"<name>total</name><value><int>{expected}</int></value>", page.Body);
        Assert.EndsWith("</methodResponse>", page.Body.TrimEnd());
    }

    [Fact]
    public void NodeClient_ChunkedRequestWithNil_IsAnswered()
    {
        string session = Login();
        string body = RawHttp.Call("view", $"<string>{session}</string>", "<struct></struct>", "<string>rate</string>", "<string>DESC</string>", "<int>0</int>", "<int>3</int>");
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        var request = new StringBuilder("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        request.Append($"{bytes.Length:x}\r\n{body}\r\n0\r\n\r\n");
        RawHttp.Response response = RawHttp.Send(Port, Encoding.UTF8.GetBytes(request.ToString()));
        Assert.Equal(200, response.Status);
        Assert.Contains("<name>length</name><value><int>3</int></value>", response.Body);

        RawHttp.Response nil = RawHttp.Post(Port, RawHttp.Call("set_autorefresh", $"<string>{session}</string>", "<nil/>"));
        AssertFault(nil, -32602);
    }

    [Fact]
    public void Get_IsMethodNotAllowed()
    {
        RawHttp.Response response = RawHttp.Send(Port, "GET /RPC2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        Assert.Equal(405, response.Status);
    }

    /// <summary>The paths serve answers (Serve/ServeRoutes.cs), as ASP.NET Core's routing answered them before.</summary>
    [Theory]
    [InlineData("GET /RPC2", 405, "POST")]
    [InlineData("GET /rpc2/", 405, "POST")]
    [InlineData("PUT /", 405, "GET, HEAD, POST")]
    [InlineData("DELETE /metrics", 405, "GET")]
    [InlineData("POST /index.html", 405, "GET, HEAD")]
    [InlineData("GET /INDEX.HTML", 200, null)]
    [InlineData("GET /metrics/", 200, null)]
    [InlineData("GET /console/0000/app.js", 404, null)]
    [InlineData("GET /console/app.js", 404, null)]
    [InlineData("GET /RPC2/more", 404, null)]
    public void Paths_AnswerAsRoutingDid(string request, int status, string? allow)
    {
        RawHttp.Response response = RawHttp.Send(Port, Encoding.ASCII.GetBytes($"{request} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        Assert.Equal(status, response.Status);
        if (allow is not null)
        {
            Assert.Contains($"Allow: {allow}", response.Headers.Split("\r\n"));
        }
    }

    public static TheoryData<string, int> HostileBodies => new()
    {
        { "this is not xml", -32700 },
        { "<methodCall><methodName>view</methodName><params><param><value><string>x</value></param></params></methodCall>", -32700 },
        { "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]><methodCall><methodName>&lol2;</methodName></methodCall>", -32700 },
        { "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/shadow\">]><methodCall><methodName>&x;</methodName></methodCall>", -32700 },
        { "<methodResponse><params/></methodResponse>", -32600 },
        { "<methodCall><methodName>view</methodName><params><param><value><i4>99999999999999999999</i4></value></param></params></methodCall>", -32600 },
        { "<methodCall><methodName>no.such.method</methodName></methodCall>", -32601 },
        { "<methodCall><methodName>view</methodName><params><param><value><string>\u00e9\u2603</string></value></param></params></methodCall>", 2 },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public void HostileBody_GetsAFaultAndTheServerGoesOn(string body, int code)
    {
        AssertFault(RawHttp.Post(Port, body), code);
        AssertStillServing();
    }

    [Fact]
    public void DeepNesting_GetsAFaultAndTheServerGoesOn()
    {
        var body = new StringBuilder("<methodCall><methodName>view</methodName><params><param>");
        body.Insert(body.Length, "<value><array><data>", 100_000);
        body.Insert(body.Length, "</data></array></value>", 100_000);
        body.Append("</param></params></methodCall>");
        var response = RawHttp.Post(Port, body.ToString());
        Assert.Equal(200, response.Status);
        Assert.Contains("<fault>", response.Body);
        AssertStillServing();
    }

    [Fact]
    public void FiftyMegabyteBody_IsRefusedAndTheServerGoesOn()
    {
        const long size = 50L * 1024 * 1024;
        byte[] head = Encoding.ASCII.GetBytes($"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n");
        using var filler = new RepeatingStream("<methodCall><methodName>"u8.ToArray(), size);
        RawHttp.Response response = RawHttp.Send(Port, head, filler);
        Assert.True(response.Status is 200 or 413, $"status {response.Status}");
        AssertStillServing();
    }

    [Fact]
    public void GzipBomb_IsCappedAfterDecompression()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            byte[] start = Encoding.UTF8.GetBytes("<methodCall><methodName>login</methodName><params><param><value><string>");
            gzip.Write(start);
            var zeros = new byte[1024 * 1024];
            Array.Fill(zeros, (byte)'a');
            for (int i = 0; i < 64; i++)
            {
                gzip.Write(zeros); // 64 MiB of text in well under one compressed megabyte
            }
        }

        byte[] body = compressed.ToArray();
        byte[] head = Encoding.ASCII.GetBytes($"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Encoding: gzip\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        RawHttp.Response response = RawHttp.Send(Port, [.. head, .. body]);
        AssertFault(response, -32700);
        Assert.Contains("larger than", response.Body);
        AssertStillServing();
    }

    [GeneratedRegex("<string>([0-9a-f]{64})</string>")]
    private static partial Regex SessionId();

    /// <summary>A long body without holding it in memory.</summary>
    private sealed class RepeatingStream(byte[] pattern, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - _position);
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] = pattern[(_position + i) % pattern.Length];
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>`serve --config`: the file's settings are used, and the command line overrides them.</summary>
public sealed class ServeConfigFileTests
{
    [Fact]
    public void Serve_ConfigFile_SettingsApplyAndCommandLineWins()
    {
        using var lab = new LabNamespace();
        string directory = Directory.CreateTempSubdirectory("pyctd-conf-").FullName;
        try
        {
            int port = 18000 + (Environment.ProcessId % 1000) + 500;
            string config = Path.Combine(directory, "pyctd.conf");
            File.WriteAllText(config, $"# test\nlisten = 127.0.0.1:{port}\nauth = none\nread-only = true\nnetns = {lab.Name}\nsession-timeout = 30\n");
            var start = new System.Diagnostics.ProcessStartInfo(Repository.PyctdBinary) { RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { "serve", "--config", config, "--session-timeout", "5" })
            {
                start.ArgumentList.Add(argument);
            }

            using var server = System.Diagnostics.Process.Start(start)!;
            try
            {
                string firstLines = server.StandardError.ReadLine() + "\n" + server.StandardError.ReadLine();
                Assert.Contains($"http://127.0.0.1:{port}/RPC2", firstLines);
                Assert.Contains("read-only", firstLines);
                Assert.Contains("expire after 5 s", firstLines);

                string session = Regex.Match(RawHttp.Post(port, RawHttp.Call("login")).Body, "<string>([0-9a-f]+)</string>").Groups[1].Value;
                RawHttp.Response kill = RawHttp.Post(port, RawHttp.Call("kill", $"<string>{session}</string>", "<array><data><value><int>1</int></value></data></array>"));
                Assert.Contains("<name>faultCode</name><value><int>3</int></value>", kill.Body);
            }
            finally
            {
                server.Kill();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
