using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>HTTPS, a unix socket, and login throttling, on a server of their own (throttling locks out localhost).</summary>
public sealed class ServeTransportTests : IDisposable
{
    private readonly LabNamespace _lab = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("pyctd-tls-").FullName;
    private readonly ServerProcess _server;
    private readonly string _certificateHash;

    public ServeTransportTests()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _certificateHash = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        try
        {
            _server = new ServerProcess(_lab, "--tls-cert", CertificatePath, "--tls-key", KeyPath, "--listen", $"unix:{SocketPath}");
        }
        catch
        {
            // xunit does not dispose a test class whose constructor threw: the namespace would outlive the run.
            _lab.Dispose();
            Directory.Delete(_directory, recursive: true);
            throw;
        }
    }

    private string CertificatePath => Path.Combine(_directory, "cert.pem");

    private string KeyPath => Path.Combine(_directory, "key.pem");

    private string SocketPath => Path.Combine(_directory, "pyctd.sock");

    public void Dispose()
    {
        _server.Dispose();
        _lab.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A client that trusts exactly the self-signed certificate this test gave the server.</summary>
    private HttpClient Client(string? unixSocket = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null && presented.GetCertHashString(HashAlgorithmName.SHA256) == _certificateHash,
            },
        };
        if (unixSocket is not null)
        {
            handler.ConnectCallback = async (_, cancellation) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(unixSocket), cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }

        return new HttpClient(handler);
    }

    private static async Task<string> PostAsync(HttpClient client, string url, string body)
    {
        using var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/xml"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Login(string user, string password) =>
        RawHttp.Call("login", $"<string>{user}</string>", $"<string>{password}</string>");

    [Fact]
    public async Task Https_AndUnixSocket_BothServeXmlRpc()
    {
        using HttpClient tcp = Client();
        string viaTls = await PostAsync(tcp, $"https://127.0.0.1:{_server.Port}/RPC2", RawHttp.Call("system.listMethods"));
        Assert.Contains("<string>view</string>", viaTls);

        using HttpClient local = Client(SocketPath);
        string viaSocket = await PostAsync(local, "https://localhost/RPC2", Login("admin", ServerProcess.AdminPassword));
        Assert.Matches("<string>[0-9a-f]{64}</string>", viaSocket);

        // Plain HTTP on the TLS port is not answered as XML-RPC.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Client().PostAsync($"http://127.0.0.1:{_server.Port}/RPC2", new StringContent("x")));
    }

    [Fact]
    public async Task Login_AfterFiveFailures_IsThrottledEvenWithTheRightPassword()
    {
        using HttpClient client = Client();
        string url = $"https://127.0.0.1:{_server.Port}/RPC2";
        for (int i = 0; i < 5; i++)
        {
            Assert.Contains("authentication failed", await PostAsync(client, url, Login("admin", "guess" + i)));
        }

        string refused = await PostAsync(client, url, Login("admin", ServerProcess.AdminPassword));
        Assert.Contains("too many failed logins", refused);
        Assert.Contains("<name>faultCode</name><value><int>1</int></value>", refused);
        Assert.Contains(_server.LogLines(), static line => line.Contains("login refused (throttled)", StringComparison.Ordinal));
    }
}
