using System.Globalization;
using System.Text.Json;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// The server driven by the XML-RPC client libraries real frontends use (issue 10): PHP's
/// xmlrpc-epi, Perl's RPC::XML and Frontier::RPC, Ruby's xmlrpc, npm's xmlrpc and davexmlrpc, and
/// xmlrpc-c's C library. Each runs the same steps (Live/Clients/README.md); every value of a row must
/// read back exactly, including an address above 128.0.0.0, a mark above 2^31 and a byte counter
/// above 2^32, and every change is checked against conntrack -L.
/// </summary>
[Collection(ClientsLabCollection.Name)]
public sealed class ServeWithRealClientsTests(ClientsLab lab)
{
    private const uint NewMark = 3_000_000_000;
    private const int NewTimeout = 5000;

    private static string ClientScript(string name) => Path.Combine(Repository.Root, "Pyctd.Tests", "Live", "Clients", name);

    [Fact]
    public void Php_XmlRpcEpi_ReadsAndChangesExactly() => Check("php", [ClientScript("client.php")]);

    [Fact]
    public void Perl_RpcXml_ReadsAndChangesExactly() => Check("perl", [ClientScript("client-rpc-xml.pl")]);

    /// <summary>RPC::XML compresses every request with Content-Encoding: deflate (zlib) here.</summary>
    [Fact]
    public void Perl_RpcXmlWithDeflateRequests_ReadsAndChangesExactly() =>
        Check("perl", [ClientScript("client-rpc-xml.pl")], new() { ["PYCTD_COMPRESS"] = "1" });

    [Fact]
    public void Perl_Frontier_ReadsAndChangesExactly() => Check("perl", [ClientScript("client-frontier.pl")]);

    [Fact]
    public void Ruby_Xmlrpc_ReadsAndChangesExactly() => Check("ruby", [ClientScript("client.rb")]);

    [Fact]
    public void Node_NpmXmlrpc_ReadsAndChangesExactly() => Check("node", [ClientScript("client.js")]);

    [Fact]
    public void Node_Davexmlrpc_ReadsAndChangesExactly() => Check("node", [ClientScript("client-davexmlrpc.js")]);

    [Fact]
    public void C_XmlrpcC_ReadsAndChangesExactly()
    {
        string binary = Path.Combine(lab.Directory, "client-xmlrpc-c");
        ProcessResult build = ProcessRunner.Run("gcc", ["-O1", "-Wall", "-Werror", "-o", binary, ClientScript("client-xmlrpc-c.c"), "-lxmlrpc_client", "-lxmlrpc", "-lxmlrpc_util"]);
        Assert.True(build.ExitCode == 0, $"cannot build the xmlrpc-c client (libxmlrpc-core-c3-dev):\n{build.Stderr}");
        Check(binary, []);
    }

    private void Check(string program, string[] arguments, Dictionary<string, string>? extra = null)
    {
        (string target, string victim) = lab.TakeTwoEntries();
        int total = lab.Lab.Count();
        var environment = new Dictionary<string, string>
        {
            ["PYCTD_URL"] = lab.Server.Url,
            ["PYCTD_USER"] = "admin",
            ["PYCTD_PASSWORD"] = ServerProcess.AdminPassword,
            ["BIG_PORT"] = ClientsLab.BigPort.ToString(CultureInfo.InvariantCulture),
            ["TARGET_ID"] = target,
            ["KILL_ID"] = victim,
            ["TIMEOUT"] = NewTimeout.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        ProcessResult result = ProcessRunner.Run(program, arguments, environment, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.Stderr}\n{result.Stdout}");
        var said = result.Lines.Where(static l => l.Contains('=', StringComparison.Ordinal))
            .Select(static l => l.Split('=', 2)).ToDictionary(static p => p[0], static p => p[1].TrimEnd('\r'));

        Assert.Equal(total.ToString(CultureInfo.InvariantCulture), said["total"]);
        AssertRowIsExact(said);

        Assert.Contains(said["change_mark"], (string[])["true", "1"]);
        Assert.Contains(said["change_timeout"], (string[])["true", "1"]);
        Assert.Equal(target, said["target.id"]);
        Assert.Equal(NewMark, Word32(said["target.mark"]));
        Assert.InRange(long.Parse(said["target.timeout"], CultureInfo.InvariantCulture), NewTimeout - 30, NewTimeout);
        Assert.Contains("FIXED_TIMEOUT", said["target.status"].Split(','));
        string line = lab.ConntrackLine(target) ?? throw new Xunit.Sdk.XunitException($"entry {target} is gone from conntrack -L");
        Assert.Contains($" mark={NewMark} ", line);
        Assert.InRange(int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture), NewTimeout - 30, NewTimeout);

        Assert.Equal("1", said["killed"]);
        Assert.Null(lab.ConntrackLine(victim));
        Assert.Equal("2", said["fault"]);
        Assert.False(lab.Server.HasExited);
    }

    /// <summary>Every field of the big flow's row as the client read it, against `pyctd list -o json` and conntrack -L.</summary>
    private void AssertRowIsExact(Dictionary<string, string> said)
    {
        var row = said.Where(static p => p.Key.StartsWith("row.", StringComparison.Ordinal))
            .ToDictionary(static p => p.Key["row.".Length..], static p => p.Value);
        JsonElement expected = lab.BigFlowAsJson();
        var rates = new[] { "orig_rate", "repl_rate", "rate" };
        Assert.Equal(expected.EnumerateObject().Select(static p => p.Name).Concat(rates).Order(), row.Keys.Order());
        foreach (JsonProperty field in expected.EnumerateObject())
        {
            string got = row[field.Name];
            switch (field.Name)
            {
                case "timeout":
                    // Counting down: the client's snapshot is a few seconds older than the listing.
                    Assert.InRange(long.Parse(got, CultureInfo.InvariantCulture), field.Value.GetInt64(), field.Value.GetInt64() + 60);
                    break;
                case "mark" or "secmark" or "orig_ipv4_src" or "orig_ipv4_dst":
                    // 32-bit words come as the signed i4 with the same bits (32-bit PHP's ip2long).
                    Assert.True(field.Value.GetUInt32() == Word32(got), $"{field.Name}: {got}, expected {field.Value}");
                    break;
                default:
                    string want = field.Value.ValueKind switch
                    {
                        JsonValueKind.Array => string.Join(',', field.Value.EnumerateArray().Select(static v => v.ToString())),
                        _ => field.Value.ToString(),
                    };
                    Assert.True(want == got, $"{field.Name}: the client read '{got}', the table has '{want}'");
                    break;
            }
        }

        foreach (string rate in rates)
        {
            Assert.True(double.TryParse(row[rate], CultureInfo.InvariantCulture, out _), $"{rate}: '{row[rate]}'");
        }

        // The three values the issue names, against the kernel's own view.
        string line = lab.ConntrackLine(row["id"])!;
        Assert.Contains($" bytes={row["orig_bytes"]} ", line);
        Assert.True(ulong.Parse(row["orig_bytes"], CultureInfo.InvariantCulture) > uint.MaxValue, "the big flow carries more than 2^32 bytes");
        Assert.Equal(ClientsLab.HighAddress, row["orig_src"]);
        Assert.Contains($" mark={ClientsLab.HighMark} ", line);
    }

    private static uint Word32(string text) => unchecked((uint)long.Parse(text, CultureInfo.InvariantCulture));
}

/// <summary>
/// A lab with a few hundred flows, one real TCP flow of 4.4 GB from an address above 128.0.0.0
/// (a namespace-local address on the lab's interface) with a mark above 2^31, and a server.
/// </summary>
public sealed class ClientsLab : IDisposable
{
    public const string HighAddress = "198.18.7.1";
    public const uint HighMark = 0x8000_0001;
    public const int BigPort = 46000;

    private readonly Queue<string> _fresh;

    public ClientsLab()
    {
        Lab = new LabNamespace(bulkFlows: 400);
        try
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("pyctd-clients-").FullName;
            Check(Lab.Exec("ip", "addr", "add", HighAddress + "/32", "dev", "ctlab0"));
            Check(Lab.Exec("python3", Path.Combine(Repository.Root, "Pyctd.Tests", "Live", "Clients", "big-flow.py"), HighAddress, "4400000000"));
            Check(PyctdProcess.Run("mark", HighMark.ToString(CultureInfo.InvariantCulture), "--netns", Lab.Name, "-p", "tcp", "--sport", BigPort.ToString(CultureInfo.InvariantCulture)));
            _fresh = new Queue<string>(Lab.Conntrack("-L", "-p", "udp", "-o", "id").Lines
                .Where(static l => l.Contains(" dport=47", StringComparison.Ordinal) && l.Contains(" mark=0 ", StringComparison.Ordinal))
                .Select(static l => l[(l.LastIndexOf(" id=", StringComparison.Ordinal) + 4)..]));
            // Slow parsers (Ruby's REXML reads a whole-table view for seconds on a busy machine) must not outlive a session.
            Server = new ServerProcess(Lab, sessionTimeoutSeconds: 120);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public LabNamespace Lab { get; }

    public ServerProcess Server { get; } = null!;

    /// <summary>A scratch directory, removed with the lab.</summary>
    public string Directory { get; } = string.Empty;

    /// <summary>Two flood entries no test has touched: one to change, one to kill.</summary>
    public (string Target, string Victim) TakeTwoEntries()
    {
        lock (_fresh)
        {
            return (_fresh.Dequeue(), _fresh.Dequeue());
        }
    }

    /// <summary>The entry's conntrack -L line, or null when the kernel has no such entry.</summary>
    public string? ConntrackLine(string id) =>
        Lab.Conntrack("-L", "-o", "id").Lines.FirstOrDefault(l => l.EndsWith(" id=" + id, StringComparison.Ordinal));

    public JsonElement BigFlowAsJson()
    {
        ProcessResult list = Check(PyctdProcess.Run("list", "--netns", Lab.Name, "-o", "json", "-p", "tcp", "--sport", BigPort.ToString(CultureInfo.InvariantCulture)));
        using var document = JsonDocument.Parse(list.Stdout);
        return document.RootElement.EnumerateArray().Single().Clone();
    }

    private static ProcessResult Check(ProcessResult result) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException($"exit {result.ExitCode}: {result.Stderr}");

    public void Dispose()
    {
        Server?.Dispose();
        Lab.Dispose();
        if (Directory.Length > 0)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

/// <summary>
/// Alone, after the parallel collections: the 4.4 GB flow and the clients' parsers keep a core busy
/// for seconds, which would slow the timing tests of other collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClientsLabCollection : ICollectionFixture<ClientsLab>
{
    public const string Name = "clients lab";
}
