using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// Attacks on `pyctd serve` (issue 9), each bounded and from loopback addresses, against a server
/// of its own on a lab table. While each runs, a legitimate client from another address must still
/// log in and view within <see cref="s_answered"/>.
/// </summary>
[Collection(HardeningLabCollection.Name)]
public sealed partial class ServeHardeningTests(HardeningLab fixture)
{
    private static readonly TimeSpan s_answered = TimeSpan.FromSeconds(3);

    private static readonly IPAddress s_attacker = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress s_legitimate = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task IdleConnections_OneAddressHoldsItsLimit_AnotherAddressIsServed()
    {
        using var server = new ServerProcess(fixture.Lab);
        List<TcpClient> idle = await OpenConnectionsAsync(server.Port, 1_100, s_attacker);
        try
        {
            Assert.True(idle.Count > 1_000, $"only {idle.Count} connections opened");
            // The attacker's address holds its 64 (for the 10 s keep-alive timeout): its next connection is closed unanswered.
            Assert.Equal(0, RawHttp.Post(server.Port, RawHttp.Call("system.listMethods"), from: s_attacker).Status);
            AssertServedWithin(s_answered, server, s_legitimate);
            Assert.Contains(server.LogLines(), static line => line.Contains("connections refused", StringComparison.Ordinal));
        }
        finally
        {
            idle.ForEach(static client => client.Dispose());
        }

        // Its connections gone, the address is served again.
        var deadline = Stopwatch.StartNew();
        while (RawHttp.Post(server.Port, RawHttp.Call("system.listMethods"), from: s_attacker).Status != 200)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "127.0.0.1 was not served again after closing its connections");
            await Task.Delay(100);
        }
    }

    [Fact]
    public void IdleConnection_ThatSendsNothing_IsClosedAfterTheKeepAliveTimeout()
    {
        using var server = new ServerProcess(fixture.Lab);
        using TcpClient client = RawHttp.Connect(server.Port, s_attacker);
        client.ReceiveTimeout = 20_000;
        var watch = Stopwatch.StartNew();
        int read;
        try
        {
            read = client.GetStream().Read(new byte[1]);
        }
        catch (IOException)
        {
            read = -1; // reset: closed all the same
        }

        Assert.True(read <= 0, "the server sent something to a client that asked nothing");
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(14)); // 10 s, checked once a second
    }

    [Fact]
    public void WrongLogins_FortyAtOnceForOneUser_CheckAtMostFivePasswords()
    {
        using var server = new ServerProcess(fixture.Lab);
        string wrong = RawHttp.Call("login", "<string>viewer</string>", "<string>not the password</string>");
        using var start = new ManualResetEventSlim();
        var answers = new ConcurrentBag<RawHttp.Response>();
        Thread[] guessers = Enumerable.Range(0, 40).Select(_ => new Thread(() =>
        {
            start.Wait();
            answers.Add(RawHttp.Post(server.Port, wrong, from: s_attacker));
        })).ToArray();
        foreach (Thread guesser in guessers)
        {
            guesser.Start();
        }

        start.Set();
        AssertServedWithin(s_answered, server, s_legitimate);
        foreach (Thread guesser in guessers)
        {
            guesser.Join();
        }

        Assert.Equal(40, answers.Count(static a => a.Body.Contains("<int>1</int>", StringComparison.Ordinal)));
        string[] audit = WaitForAuditLines(server, 40, static line => line.Contains("user=\"viewer\"", StringComparison.Ordinal));
        // Each "login failed" line is a password that was hashed and compared; "refused" ones never were.
        Assert.Equal(5, audit.Count(static line => line.Contains("login failed", StringComparison.Ordinal)));
        Assert.Equal(35, audit.Count(static line => line.Contains("login refused (throttled)", StringComparison.Ordinal)));
    }

    [Fact]
    public void Login_UnknownUserAndWrongPassword_TakeAlike()
    {
        using var server = new ServerProcess(fixture.Lab);
        var unknown = new List<double>();
        var known = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            // A fresh address for every try, so that no throttle answers instead of the password check.
            unknown.Add(TimeLogin(server, "nosuchuser", IPAddress.Parse($"127.0.1.{10 + i}")));
            known.Add(TimeLogin(server, "viewer", IPAddress.Parse($"127.0.2.{10 + i}")));
        }

        double unknownMedian = Median(unknown);
        double knownMedian = Median(known);
        double ratio = Math.Max(unknownMedian, knownMedian) / Math.Min(unknownMedian, knownMedian);
        Assert.True(ratio < 3, $"unknown user: median {unknownMedian:F1} ms, known user with a wrong password: {knownMedian:F1} ms");
    }

    [Fact]
    public void Login_GuesserOnOneAddress_DoesNotLockTheUserOutFromAnother()
    {
        using var server = new ServerProcess(fixture.Lab);
        string wrong = RawHttp.Call("login", "<string>admin</string>", "<string>guess</string>");
        string[] faults = Enumerable.Range(0, 7).Select(_ => FaultString(RawHttp.Post(server.Port, wrong, from: s_attacker))).ToArray();
        Assert.All(faults[..5], static fault => Assert.Equal("authentication failed", fault));
        Assert.All(faults[5..], static fault => Assert.StartsWith("too many failed logins; try again in 30 s", fault, StringComparison.Ordinal));

        // Even the right password is refused on the guesser's address while it waits...
        Assert.StartsWith("too many failed logins", FaultString(RawHttp.Post(server.Port, AdminLogin, from: s_attacker)), StringComparison.Ordinal);
        // ...and the admin on another address gets in at once.
        AssertServedWithin(s_answered, server, s_legitimate);
    }

    [Fact]
    public async Task Multicall_OfAHundredLogins_ChecksOnePassword()
    {
        using var server = new ServerProcess(fixture.Lab);
        string login = $"<struct><member><name>methodName</name><value><string>login</string></value></member><member><name>params</name><value><array><data>"
            + $"<value><string>admin</string></value><value><string>{ServerProcess.AdminPassword}</string></value></data></array></value></member></struct>";
        string multicall = RawHttp.Call("system.multicall", $"<array><data>{string.Concat(Enumerable.Repeat($"<value>{login}</value>", 100))}</data></array>");

        var watch = Stopwatch.StartNew();
        Task<RawHttp.Response> attack = Task.Run(() => RawHttp.Post(server.Port, multicall, from: s_attacker));
        AssertServedWithin(s_answered, server, s_legitimate);
        RawHttp.Response response = await attack;

        Assert.Equal(200, response.Status);
        Assert.Single(SessionId().Matches(response.Body));
        Assert.Equal(99, Regex.Count(response.Body, "at most 1 login per request"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the multicall took {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Session_ReadingAViewSlowerThanTheTimeout_StaysAliveUntilTheAnswerEnds()
    {
        using var server = new ServerProcess(fixture.Lab); // --session-timeout 3
        string session = Login(server.Port, s_legitimate);
        byte[] view = Encoding.UTF8.GetBytes(RawHttp.Call("view", $"<string>{session}</string>", "<struct></struct>"));

        using var client = new TcpClient(new IPEndPoint(s_legitimate, 0)) { ReceiveBufferSize = 4096, ReceiveTimeout = 30_000 };
        client.Connect(IPAddress.Loopback, server.Port);
        NetworkStream stream = client.GetStream();
        stream.Write(Encoding.ASCII.GetBytes($"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {view.Length}\r\nConnection: close\r\n\r\n"));
        stream.Write(view);

        var buffer = new byte[1024];
        long received = stream.ReadAtLeast(buffer, buffer.Length);
        Thread.Sleep(TimeSpan.FromSeconds(4.5)); // longer than the session timeout, shorter than the 5 s response-rate grace
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            received += n;
        }

        // Far more than the socket buffers hold, so the server was still writing when the pause ended.
        Assert.True(received > 1024 * 1024, $"the view was only {received} bytes");
        RawHttp.Response stats = RawHttp.Post(server.Port, RawHttp.Call("stats", $"<string>{session}</string>"), from: s_legitimate);
        Assert.Contains("<name>entries</name>", stats.Body);
    }

    [Fact]
    public void View_TwentyThousandPrefixesTwiceAtOnce_AreAnsweredAndOthersAreServed()
    {
        // A large table, so that matching prefixes one by one takes seconds per view.
        using var server = new ServerProcess(fixture.Large, "--max-request-size", "4194304");
        string session = Login(server.Port, s_attacker);
        // 20,000 /24s in one orig_src list: with prefixes matched one by one this was 18.9 s of CPU on 200,000 entries.
        string prefixes = string.Concat(Enumerable.Range(0, 20_000).Select(static i => $"<value><string>10.{i >> 8}.{i & 255}.0/24</string></value>"));
        string view = RawHttp.Call("view", $"<string>{session}</string>",
            $"<struct><member><name>orig_src</name><value><array><data>{prefixes}</data></array></value></member></struct>",
            "<string>rate</string>", "<string>DESC</string>", "<int>0</int>", "<int>10</int>");
        var answers = new ConcurrentBag<RawHttp.Response>();
        Thread[] attackers = Enumerable.Range(0, 2).Select(_ => new Thread(() => answers.Add(RawHttp.Post(server.Port, view, from: s_attacker)))).ToArray();
        Array.ForEach(attackers, static t => t.Start());
        Thread.Sleep(1000); // the attacks sent and parsed, their selections under way
        AssertServedWithin(s_answered, server, s_legitimate);
        Array.ForEach(attackers, static t => t.Join());

        Assert.All(answers, static answer => Assert.Contains("<name>connections</name>", answer.Body));
    }

    /// <summary>
    /// Callers waiting for a dump wait without a thread: thirty-two clients calling refresh() back
    /// to back on a large table once held thirty-two of the pool's threads for each dump, and a
    /// client that needed no dump waited seconds for one (5 s at 200,000 entries in bench-serve).
    /// </summary>
    [Fact]
    public void Refresh_ThirtyTwoClientsBackToBack_OthersAreServed()
    {
        using var server = new ServerProcess(fixture.Large);
        using var stop = new CancellationTokenSource();
        int refreshes = 0;
        var failures = new ConcurrentBag<string>();
        Thread[] refreshers = Enumerable.Range(0, 32).Select(_ => new Thread(() =>
        {
            // An assertion failing on a thread of its own would end the test run: failures are collected.
            try
            {
                string session = Login(server.Port, s_attacker);
                string refresh = RawHttp.Call("refresh", $"<string>{session}</string>");
                while (!stop.IsCancellationRequested)
                {
                    RawHttp.Response answer = RawHttp.Post(server.Port, refresh, from: s_attacker);
                    if (!answer.Body.Contains("<int>", StringComparison.Ordinal))
                    {
                        failures.Add($"HTTP {answer.Status} {answer.Body}");
                    }

                    Interlocked.Increment(ref refreshes);
                }
            }
            catch (Exception error)
            {
                failures.Add(error.Message);
            }
        })).ToArray();
        Array.ForEach(refreshers, static t => t.Start());
        try
        {
            Thread.Sleep(2000); // every refresher logged in and waiting on a dump
            for (int i = 0; i < 3; i++)
            {
                AssertServedWithin(s_answered, server, s_legitimate);
            }
        }
        finally
        {
            stop.Cancel();
            Array.ForEach(refreshers, static t => t.Join());
        }

        Assert.Empty(failures);
        Assert.True(refreshes >= 32, $"{refreshes} refreshes answered");
    }

    [Fact]
    public void View_MoreValuesThanAKeyMayList_IsRefusedWithBadParameters()
    {
        using var server = new ServerProcess(fixture.Lab, "--max-request-size", "4194304");
        string session = Login(server.Port, s_attacker);
        string ports = string.Concat(Enumerable.Range(0, 65_537).Select(static i => $"<value><i4>{i & 0xffff}</i4></value>"));
        RawHttp.Response answer = RawHttp.Post(server.Port, RawHttp.Call("view", $"<string>{session}</string>",
            $"<struct><member><name>orig_port_dst</name><value><array><data>{ports}</data></array></value></member></struct>"), from: s_attacker);
        Assert.Contains("65537 values, at most 65536", FaultString(answer));
    }

    [Fact]
    public void Multicall_OfAHundredRefreshes_DumpsTheTableOnce()
    {
        using var server = new ServerProcess(fixture.Lab);
        string session = Login(server.Port, s_attacker);
        string refresh = $"<value><struct><member><name>methodName</name><value><string>refresh</string></value></member><member><name>params</name><value><array><data><value><string>{session}</string></value></data></array></value></member></struct></value>";
        long before = Dumps(server, session);
        RawHttp.Response answer = RawHttp.Post(server.Port, RawHttp.Call("system.multicall", $"<array><data>{string.Concat(Enumerable.Repeat(refresh, 100))}</data></array>"), from: s_attacker);
        Assert.Equal(200, answer.Status);
        Assert.DoesNotContain("faultCode", answer.Body);
        Assert.InRange(Dumps(server, session) - before, 1, 2); // its one dump, and perhaps one of the refresher's
    }

    private static long Dumps(ServerProcess server, string session)
    {
        RawHttp.Response stats = RawHttp.Post(server.Port, RawHttp.Call("stats", $"<string>{session}</string>"), from: s_attacker);
        Match dumps = Regex.Match(stats.Body, "<name>dumps</name><value><(?:int|i8)>([0-9]+)</");
        Assert.True(dumps.Success, stats.Body);
        return long.Parse(dumps.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string AdminLogin => RawHttp.Call("login", "<string>admin</string>", $"<string>{ServerProcess.AdminPassword}</string>");

    /// <summary>The legitimate client: log in as admin and view ten rows, all within <paramref name="limit"/>.</summary>
    private static void AssertServedWithin(TimeSpan limit, ServerProcess server, IPAddress from)
    {
        var watch = Stopwatch.StartNew();
        string session = Login(server.Port, from);
        RawHttp.Response page = RawHttp.Post(server.Port, RawHttp.Call("view", $"<string>{session}</string>", "<struct></struct>", "<string>id</string>", "<string>ASC</string>", "<int>0</int>", "<int>10</int>"), from: from);
        watch.Stop();
        Assert.Equal(200, page.Status);
        Assert.Contains("<name>connections</name>", page.Body);
        Assert.True(watch.Elapsed < limit, $"the legitimate client took {watch.Elapsed.TotalSeconds:F2} s");
    }

    private static string Login(int port, IPAddress from)
    {
        RawHttp.Response response = RawHttp.Post(port, AdminLogin, from: from);
        Match session = SessionId().Match(response.Body);
        Assert.True(session.Success, $"login failed: HTTP {response.Status} {response.Body}");
        return session.Groups[1].Value;
    }

    private static double TimeLogin(ServerProcess server, string user, IPAddress from)
    {
        var watch = Stopwatch.StartNew();
        RawHttp.Response response = RawHttp.Post(server.Port, RawHttp.Call("login", $"<string>{user}</string>", "<string>wrong password</string>"), from: from);
        double milliseconds = watch.Elapsed.TotalMilliseconds;
        Assert.Equal("authentication failed", FaultString(response));
        return milliseconds;
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    private static string FaultString(RawHttp.Response response)
    {
        Match fault = FaultText().Match(response.Body);
        Assert.True(fault.Success, $"not a fault: HTTP {response.Status} {response.Body}");
        return fault.Groups[1].Value;
    }

    /// <summary>Opens up to <paramref name="count"/> connections that send nothing, a few dozen at a time; those the server closes at once are kept too.</summary>
    private static async Task<List<TcpClient>> OpenConnectionsAsync(int port, int count, IPAddress from)
    {
        var clients = new ConcurrentBag<TcpClient>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, _) =>
        {
            var client = new TcpClient(new IPEndPoint(from, 0));
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                clients.Add(client);
            }
            catch (Exception error) when (error is SocketException or OperationCanceledException)
            {
                client.Dispose();
            }
        });
        return [.. clients];
    }

    /// <summary>The server's audit lines that match, once <paramref name="expected"/> of them have arrived (stderr is read on another thread).</summary>
    private static string[] WaitForAuditLines(ServerProcess server, int expected, Func<string, bool> match)
    {
        var deadline = Stopwatch.StartNew();
        string[] lines;
        while ((lines = server.LogLines().Where(static l => l.Contains("audit: login", StringComparison.Ordinal)).Where(match).ToArray()).Length < expected
            && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(50);
        }

        return lines;
    }

    [GeneratedRegex("<string>([0-9a-f]{64})</string>")]
    private static partial Regex SessionId();

    [GeneratedRegex("<name>faultString</name><value><string>([^<]*)</string>")]
    private static partial Regex FaultText();
}

/// <summary>
/// The labs of the attack tests; every test starts its own server on one, so that no throttle or
/// limit carries over. The large one (100,000 flows, for the attacks that need a slow table) is
/// made when first asked for; the tests only read it.
/// </summary>
public sealed class HardeningLab : IDisposable
{
    private readonly Lazy<LabNamespace> _large = new(static () => new LabNamespace(bulkFlows: 100_000));

    public HardeningLab() => Lab = new LabNamespace(bulkFlows: 3_000);

    public LabNamespace Lab { get; }

    public LabNamespace Large => _large.Value;

    public void Dispose()
    {
        Lab.Dispose();
        if (_large.IsValueCreated)
        {
            _large.Value.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HardeningLabCollection : ICollectionFixture<HardeningLab>
{
    public const string Name = "hardening lab";
}
