using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>What real clients send and expect (issue 10): deflate bodies, booleans, fields, the snapshot's epoch.</summary>
public sealed partial class ServeRawHttpTests
{
    private static byte[] Deflate(string text, bool zlib)
    {
        using var compressed = new MemoryStream();
        using (Stream deflate = zlib ? new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true) : new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(text));
        }

        return compressed.ToArray();
    }

    private RawHttp.Response PostDeflate(byte[] body)
    {
        byte[] head = Encoding.ASCII.GetBytes($"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Encoding: deflate\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        return RawHttp.Send(Port, [.. head, .. body]);
    }

    /// <summary>HTTP's deflate is zlib (what RPC::XML sends); some clients send raw deflate under that name.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DeflateRequest_ZlibOrRaw_IsAnswered(bool zlib)
    {
        RawHttp.Response response = PostDeflate(Deflate(RawHttp.Call("login", "<string>admin</string>", $"<string>{ServerProcess.AdminPassword}</string>"), zlib));
        Assert.Equal(200, response.Status);
        Assert.Matches(SessionId(), response.Body);
    }

    [Fact]
    public void DeflateBomb_IsCappedAfterDecompression()
    {
        var text = new StringBuilder("<methodCall><methodName>login</methodName><params><param><value><string>");
        text.Append('a', 8 * 1024 * 1024); // 8 MiB of text, far past the 1 MiB cap, in a few kilobytes
        RawHttp.Response response = PostDeflate(Deflate(text.ToString(), zlib: true));
        AssertFault(response, -32700);
        Assert.Contains("larger than", response.Body);
        AssertStillServing();
    }

    [Fact]
    public void DeflateRequest_Corrupt_IsAParseFault()
    {
        AssertFault(PostDeflate([0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0x00]), -32700);
        AssertStillServing();
    }

    [Fact]
    public async Task View_ClientAcceptingOnlyDeflate_GetsZlib()
    {
        string session = Login();
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None });
        using var request = new HttpRequestMessage(HttpMethod.Post, served.Server.Url)
        {
            Content = new StringContent(RawHttp.Call("view", $"<string>{session}</string>"), Encoding.UTF8, "text/xml"),
        };
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("deflate"));
        using HttpResponseMessage response = await http.SendAsync(request);

        Assert.Equal(["deflate"], response.Content.Headers.ContentEncoding);
        await using var inflate = new ZLibStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        string body = await new StreamReader(inflate).ReadToEndAsync();
        Assert.Contains("<name>connections</name>", body);
        Assert.EndsWith("</methodResponse>", body);
    }

    [Fact]
    public void SetAutorefresh_Booleans_AreAccepted()
    {
        string session = Login();
        foreach (string flag in (string[])["1", "0"])
        {
            RawHttp.Response response = RawHttp.Post(Port, RawHttp.Call("set_autorefresh", $"<string>{session}</string>", $"<boolean>{flag}</boolean>"));
            Assert.Contains("<boolean>1</boolean>", response.Body);
        }
    }

    [Fact]
    public void View_Fields_LimitEachRowAndNameAnUnknownOne()
    {
        string session = Login();
        const string fields = "<array><data><value><string>id</string></value><value><string>dport</string></value></data></array>";
        RawHttp.Response response = RawHttp.Post(Port, RawHttp.Call("view", $"<string>{session}</string>", "<struct></struct>", "<string>id</string>",
            "<string>ASC</string>", "<int>0</int>", "<int>3</int>", fields));
        Assert.Equal(3, Regex.Count(response.Body, "<name>id</name>"));
        Assert.DoesNotContain("<name>orig_src</name>", response.Body);
        Assert.Contains("<name>orig_port_dst</name>", response.Body);

        RawHttp.Response bad = RawHttp.Post(Port, RawHttp.Call("view", $"<string>{session}</string>", "<array><data/></array>", "<string>id</string>",
            "<string>ASC</string>", "<int>0</int>", "<int>3</int>", "<array><data><value><string>colour</string></value></data></array>"));
        AssertFault(bad, -32602);
        Assert.Contains("fields: 'colour' is not a field of the rows", bad.Body);
    }

    [Fact]
    public void View_SnapshotEpoch_IsTheSnapshotTimeInUnixSeconds()
    {
        string session = Login();
        RawHttp.Response response = RawHttp.Post(Port, RawHttp.Call("view", $"<string>{session}</string>", "<array><data/></array>", "<string>id</string>",
            "<string>ASC</string>", "<int>0</int>", "<int>1</int>"));
        long epoch = long.Parse(Regex.Match(response.Body, "<name>snapshot_epoch</name><value><int>([0-9]+)</int>").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string date = Regex.Match(response.Body, "<dateTime.iso8601>([^<]+)</dateTime.iso8601>").Groups[1].Value;
        var utc = DateTime.ParseExact(date, "yyyyMMdd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.Equal(new DateTimeOffset(utc).ToUnixTimeSeconds(), epoch);
        Assert.InRange(epoch, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }
}
