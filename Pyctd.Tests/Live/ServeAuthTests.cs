using System.Diagnostics;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// Authentication of a real serve: integer login arguments, a users file changed under it, SIGHUP,
/// PAM through pam_wrapper and pam_matrix (never the host's PAM configuration), and --auth exec.
/// </summary>
public sealed partial class ServeAuthTests
{
    private const string PamWrapper = "/usr/lib/x86_64-linux-gnu/libpam_wrapper.so";
    private const string PamMatrix = "/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so";
    private const string PamExec = "/usr/lib/x86_64-linux-gnu/security/pam_exec.so";

    private static RawHttp.Response Call(ServerProcess server, string method, params string[] values) =>
        RawHttp.Post(server.Port, RawHttp.Call(method, values));

    private static string Login(ServerProcess server, string user, string password)
    {
        RawHttp.Response response = Call(server, "login", $"<string>{user}</string>", $"<string>{password}</string>");
        Match session = SessionId().Match(response.Body);
        Assert.True(session.Success, response.Body);
        return session.Groups[1].Value;
    }

    private static int? FaultCode(RawHttp.Response response) => FaultCodeOf(response.Body);

    private static int? FaultCodeOf(string body)
    {
        Match fault = Fault().Match(body);
        return fault.Success ? int.Parse(fault.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>One HTTP/1.1 POST to /RPC2 over a unix socket; the whole answer, headers and body.</summary>
    private static string PostUnix(string socketPath, string body)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        byte[] content = System.Text.Encoding.UTF8.GetBytes(body);
        socket.Send(System.Text.Encoding.ASCII.GetBytes(
            $"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n"));
        socket.Send(content);
        using var stream = new System.Net.Sockets.NetworkStream(socket);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>kill(session, [an id no entry has]): 0 when the session may write, fault 3 when it only reads, fault 2 when it has ended.</summary>
    private static int? KillNothing(ServerProcess server, string session) =>
        FaultCode(Call(server, "kill", $"<string>{session}</string>", "<array><data><value><string>4294967295</string></value></data></array>"));

    [Fact]
    public void Login_DigitOnlyNameAndPasswordAsIntegers_AcceptedAsDecimalText()
    {
        using var lab = new LabNamespace();
        using var server = new ServerProcess(lab);
        server.AddUser("1234", "5678");
        WaitUntil(() => server.LogLines().Any(static l => l.Contains("reloaded: 3 users", StringComparison.Ordinal)));

        // Frontier sends <i4>, RPC::XML <int>.
        RawHttp.Response response = Call(server, "login", "<i4>1234</i4>", "<int>5678</int>");
        Assert.Matches(SessionId(), response.Body);
        Assert.Equal(1, FaultCode(Call(server, "login", "<i4>1234</i4>", "<int>5679</int>")));

        // Inside system.multicall too, where the deferred check is awaited while the array is written.
        RawHttp.Response multicall = Call(server, "system.multicall",
            "<array><data><value><struct><member><name>methodName</name><value><string>login</string></value></member>"
            + "<member><name>params</name><value><array><data><value><i4>1234</i4></value><value><i4>5678</i4></value></data></array></value></member>"
            + "</struct></value></data></array>");
        Assert.Matches(SessionId(), multicall.Body);
    }

    [Fact]
    public void UsersFile_UserRemovedOrChanged_NextLoginWithinTwoSecondsAndSessionsEnd()
    {
        using var lab = new LabNamespace();
        using var server = new ServerProcess(lab);
        string viewer = Login(server, "viewer", ServerProcess.ViewerPassword);
        string admin = Login(server, "admin", ServerProcess.AdminPassword);
        Assert.Equal(3, KillNothing(server, viewer));

        server.RemoveUser("viewer");
        TimeSpan ended = WaitUntil(() => KillNothing(server, viewer) == 2);
        Assert.True(ended < TimeSpan.FromSeconds(2), $"the removed user's session lasted {ended.TotalSeconds:0.0} s");
        Assert.Equal(1, FaultCode(Call(server, "login", "<string>viewer</string>", $"<string>{ServerProcess.ViewerPassword}</string>")));
        Assert.Null(KillNothing(server, admin));

        server.AddUser("admin", "a new password");
        ended = WaitUntil(() => KillNothing(server, admin) == 2);
        Assert.True(ended < TimeSpan.FromSeconds(2), $"the changed user's session lasted {ended.TotalSeconds:0.0} s");
        Assert.Null(KillNothing(server, Login(server, "admin", "a new password")));
        Assert.Contains(server.LogLines(), static l => l.Contains("1 removed or changed, 1 of their sessions ended", StringComparison.Ordinal));
    }

    /// <summary>
    /// As pyctd.service runs it: not root, CAP_NET_ADMIN alone, no new privileges, the users file
    /// root's and readable through serve's group (nogroup here, pyctd under the unit), a unix
    /// socket. `pyctd passwd del` (root) keeps the file's group and mode, and serve sees it.
    /// </summary>
    [Fact]
    public void UsersFile_ServeAsUnprivilegedUserReadingThroughGroup_SeesPasswdDel()
    {
        using var lab = new LabNamespace();
        string directory = Directory.CreateTempSubdirectory("pyctd-unit-").FullName;
        Process? serve = null;
        try
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            string users = Path.Combine(directory, "users");
            string run = Path.Combine(directory, "run");
            Directory.CreateDirectory(run);
            ProcessRunner.Check("chown", "65534:65534", run);
            foreach (string name in (string[])["admin", "viewer"])
            {
                ProcessRunner.Check("sh", "-c", $"echo pw-{name} | \"$1\" passwd add {name} --users \"$2\"", "sh", Repository.PyctdBinary, users);
            }

            ProcessRunner.Check("chgrp", "65534", users);
            ProcessRunner.Check("chmod", "0640", users);
            string socket = Path.Combine(run, "pyctd.sock");
            var start = new ProcessStartInfo("ip") { RedirectStandardError = true, UseShellExecute = false };
            start.Environment["DOTNET_GCgen0size"] = "200000";
            foreach (string argument in (string[])["netns", "exec", lab.Name, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all,+net_admin", "--ambient-caps=-all,+net_admin", "--bounding-set=-all,+net_admin",
                Repository.PyctdBinary, "serve", "--listen", $"unix:{socket}", "--users", users])
            {
                start.ArgumentList.Add(argument);
            }

            var log = new List<string>();
            serve = Process.Start(start)!;
            serve.ErrorDataReceived += (_, e) =>
            {
                lock (log)
                {
                    if (e.Data is not null)
                    {
                        log.Add(e.Data);
                    }
                }
            };
            serve.BeginErrorReadLine();
            string[] Log()
            {
                lock (log)
                {
                    return [.. log];
                }
            }

            WaitUntil(() => serve.HasExited || Log().Any(static l => l.Contains("serving XML-RPC", StringComparison.Ordinal)));
            Assert.False(serve.HasExited, string.Join('\n', Log()));
            string viewer = SessionId().Match(PostUnix(socket, RawHttp.Call("login", "<string>viewer</string>", "<string>pw-viewer</string>"))).Groups[1].Value;
            Assert.Equal(64, viewer.Length);

            ProcessRunner.Check(Repository.PyctdBinary, "passwd", "del", "viewer", "--users", users);
            Assert.Equal("0:65534 640", ProcessRunner.Run("stat", "-c", "%u:%g %a", users).Stdout.Trim());
            TimeSpan ended = WaitUntil(() => FaultCodeOf(PostUnix(socket, RawHttp.Call("refresh", $"<string>{viewer}</string>"))) == 2);
            Assert.True(ended < TimeSpan.FromSeconds(2), $"the removed user's session lasted {ended.TotalSeconds:0.0} s");
            Assert.Equal(1, FaultCodeOf(PostUnix(socket, RawHttp.Call("login", "<string>viewer</string>", "<string>pw-viewer</string>"))));
            // The watcher ends the sessions first and logs after, and stderr arrives on its own thread.
            WaitUntil(() => Log().Any(static l => l.Contains("reloaded: 1 users; 1 removed or changed, 1 of their sessions ended", StringComparison.Ordinal)));
        }
        finally
        {
            if (serve is not null)
            {
                if (!serve.HasExited)
                {
                    serve.Kill();
                    serve.WaitForExit(10_000);
                }

                serve.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Sighup_ConfigSaysReadOnly_KillRefusedAndRestartOnlyKeysNamed()
    {
        using var lab = new LabNamespace();
        string config = Path.Combine(Path.GetTempPath(), $"pyctd-reload-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, "read-only = false\n");
        try
        {
            using var server = new ServerProcess(lab, "--config", config);
            string admin = Login(server, "admin", ServerProcess.AdminPassword);
            Assert.Null(KillNothing(server, admin));

            File.WriteAllText(config, "read-only = true\nmax-request-size = 4096\nmetrics-top = 5\n");
            server.Signal("HUP");
            WaitUntil(() => server.LogLines().Any(static l => l.Contains("reload: read-only true", StringComparison.Ordinal)));

            Assert.Equal(3, KillNothing(server, admin));
            Assert.Contains(server.LogLines(), static l => l.Contains("reload: max-request-size, metrics-top changed; restart pyctd to apply", StringComparison.Ordinal));
            Assert.Contains(server.LogLines(), static l => l.Contains("users file", StringComparison.Ordinal) && l.Contains("reloaded: 2 users", StringComparison.Ordinal));
            Assert.False(server.HasExited);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public void Pam_RightAndWrongPassword_AsPamtesterSays()
    {
        Assert.True(File.Exists(PamWrapper) && File.Exists(PamMatrix), "needs pam_wrapper (apt-get install libpam-wrapper; scripts/install-deps)");
        string directory = Directory.CreateTempSubdirectory("pyctd-pam-").FullName;
        try
        {
            // A PAM service of our own, in a directory of our own, that pam_wrapper puts in place of /etc/pam.d.
            string services = Path.Combine(directory, "services");
            Directory.CreateDirectory(services);
            string passwords = Path.Combine(directory, "passdb");
            File.WriteAllText(passwords, "alice:pam-secret:pyctd-test\n");
            File.WriteAllText(Path.Combine(services, "pyctd-test"),
                $"auth required {PamMatrix} passdb={passwords}\naccount required {PamMatrix} passdb={passwords}\n");
            var environment = new Dictionary<string, string>
            {
                ["LD_PRELOAD"] = PamWrapper,
                ["PAM_WRAPPER"] = "1",
                ["PAM_WRAPPER_SERVICE_DIR"] = services,
            };

            // pamtester, a plain C program linked with libpam, agrees on the same configuration.
            Assert.Equal(0, Pamtester(environment, "alice", "pam-secret"));
            Assert.NotEqual(0, Pamtester(environment, "alice", "wrong"));

            using var lab = new LabNamespace();
            using var server = new ServerProcess(lab, environment, "--auth", "pam:pyctd-test");
            Assert.Contains(server.LogLines(), static l => l.Contains("auth pam (service pyctd-test", StringComparison.Ordinal));
            Assert.Null(KillNothing(server, Login(server, "alice", "pam-secret")));
            Assert.Equal(1, FaultCode(Call(server, "login", "<string>alice</string>", "<string>wrong</string>")));
            Assert.Equal(1, FaultCode(Call(server, "login", "<string>mallory</string>", "<string>pam-secret</string>")));
            WaitUntil(() => server.LogLines().Count(static l => l.Contains("audit: login failed", StringComparison.Ordinal) && l.Contains("reason=\"pam: ", StringComparison.Ordinal)) == 2);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A module that hangs (pam_exec running sleep) costs the login its timeout, and the server keeps answering meanwhile.</summary>
    [Fact]
    public async Task Pam_HungModule_RefusedAtTimeoutWhileOthersAreServed()
    {
        Assert.True(File.Exists(PamWrapper) && File.Exists(PamExec), "needs pam_wrapper and pam_exec (libpam-wrapper, libpam-modules)");
        string directory = Directory.CreateTempSubdirectory("pyctd-pam-").FullName;
        try
        {
            string services = Path.Combine(directory, "services");
            Directory.CreateDirectory(services);
            File.WriteAllText(Path.Combine(services, "pyctd-hang"), $"auth required {PamExec} quiet /bin/sleep 12\n");
            var environment = new Dictionary<string, string>
            {
                ["LD_PRELOAD"] = PamWrapper,
                ["PAM_WRAPPER"] = "1",
                ["PAM_WRAPPER_SERVICE_DIR"] = services,
            };
            using var lab = new LabNamespace();
            using var server = new ServerProcess(lab, environment, "--auth", "pam:pyctd-hang");

            var clock = Stopwatch.StartNew();
            Task<RawHttp.Response> login = Task.Run(() => Call(server, "login", "<string>alice</string>", "<string>whatever</string>"));
            await Task.Delay(1000);
            var served = Stopwatch.StartNew();
            Assert.Contains("<string>login</string>", Call(server, "system.listMethods").Body);
            Assert.True(served.Elapsed < TimeSpan.FromSeconds(2), $"a call took {served.Elapsed.TotalSeconds:0.0} s while PAM hung");

            Assert.Equal(1, FaultCode(await login));
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(9.5), TimeSpan.FromSeconds(15));
            WaitUntil(() => server.LogLines().Any(static l => l.Contains("reason=\"pam: no answer within 10 s\"", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Pam_NoLibrary_ClearErrorAtStart()
    {
        ProcessResult result = PyctdProcess.Run(
            new Dictionary<string, string> { ["PYCTD_LIBPAM"] = "/nonexistent/libpam.so.0" },
            "serve", "--auth", "pam", "--listen", "127.0.0.1:18473");
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("pyctd: cannot load /nonexistent/libpam.so.0: install libpam0g (Debian/Ubuntu) or pam (Fedora/RHEL)", result.Stderr.Trim());
    }

    [Fact]
    public void Exec_ScriptSaysReadOnlyOrRefuses_SessionsAsItSays()
    {
        string directory = Directory.CreateTempSubdirectory("pyctd-exec-").FullName;
        try
        {
            string checker = Path.Combine(directory, "check");
            File.WriteAllText(checker, """
                #!/bin/sh
                IFS= read -r user; IFS= read -r password
                [ "$password" = open-sesame ] || exit 1
                [ "$user" = looker ] && echo read-only
                exit 0
                """);
            File.SetUnixFileMode(checker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            // As a site would set it: in the config file.
            string config = Path.Combine(directory, "pyctd.conf");
            File.WriteAllText(config, $"auth = exec:{checker}\n");
            using var lab = new LabNamespace();
            using var server = new ServerProcess(lab, "--config", config);
            Assert.Contains(server.LogLines(), l => l.Contains($"auth exec {checker} (at most 4 at once, 5 s each)", StringComparison.Ordinal));
            Assert.Null(KillNothing(server, Login(server, "operator", "open-sesame")));
            Assert.Equal(3, KillNothing(server, Login(server, "looker", "open-sesame")));
            Assert.Equal(1, FaultCode(Call(server, "login", "<string>operator</string>", "<string>nope</string>")));
            WaitUntil(() => server.LogLines().Any(static l => l.Contains("audit: login failed user=\"operator\"", StringComparison.Ordinal) && l.Contains("reason=\"exec: exit status 1\"", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int Pamtester(Dictionary<string, string> environment, string user, string password) =>
        ProcessRunner.Run("sh", ["-c", "printf '%s\\n' \"$1\" | pamtester pyctd-test \"$2\" authenticate acct_mgmt", "sh", password, user], environment).ExitCode;

    /// <summary>Polls until the condition holds (at most 10 s); how long that took.</summary>
    private static TimeSpan WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "not within 10 s");
            Thread.Sleep(50);
        }

        return clock.Elapsed;
    }

    [GeneratedRegex("<string>([0-9a-f]{64})</string>")]
    private static partial Regex SessionId();

    [GeneratedRegex(@"<name>faultCode</name><value><int>(-?\d+)</int>")]
    private static partial Regex Fault();
}
