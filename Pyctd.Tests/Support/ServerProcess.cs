using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pyctd.Tests.Support;

/// <summary>
/// A real `pyctd serve` on a free loopback port, serving a lab namespace, with a users file made
/// by `pyctd passwd`: an admin and a read-only user. Stopped (SIGTERM) when disposed.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    public const string AdminPassword = "s3cret-admin";
    public const string ViewerPassword = "viewer pass";

    private readonly Process _process;
    private readonly string _directory;

    /// <summary>A server whose sessions expire after 3 s idle, so the expiry tests need not wait long.</summary>
    public ServerProcess(LabNamespace lab, params string[] extraArguments)
        : this(lab, new Dictionary<string, string>(), sessionTimeoutSeconds: 3, extraArguments)
    {
    }

    public ServerProcess(LabNamespace lab, int sessionTimeoutSeconds, params string[] extraArguments)
        : this(lab, new Dictionary<string, string>(), sessionTimeoutSeconds, extraArguments)
    {
    }

    /// <param name="environment">Added to serve's environment (LD_PRELOAD of pam_wrapper and its settings).</param>
    public ServerProcess(LabNamespace lab, IReadOnlyDictionary<string, string> environment, params string[] extraArguments)
        : this(lab, environment, sessionTimeoutSeconds: 3, extraArguments)
    {
    }

    public ServerProcess(LabNamespace lab, IReadOnlyDictionary<string, string> environment, int sessionTimeoutSeconds, params string[] extraArguments)
    {
        _directory = Directory.CreateTempSubdirectory("pyctd-serve-").FullName;
        UsersPath = Path.Combine(_directory, "users");
        AddUser("admin", AdminPassword);
        AddUser("viewer", ViewerPassword, "--read-only");

        Port = FreePort();
        var start = new ProcessStartInfo(Repository.PyctdBinary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["serve", "--netns", lab.Name, "--listen", $"127.0.0.1:{Port}", "--users", UsersPath, "--session-timeout", sessionTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (Log)
                {
                    Log.Add(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        WaitUntilListening();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/RPC2";

    public string UsersPath { get; }

    /// <summary>What the server wrote on stderr (start-up and audit lines).</summary>
    public List<string> Log { get; } = [];

    public bool HasExited => _process.HasExited;

    /// <summary>The server's peak resident memory so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        string line = File.ReadLines($"/proc/{_process.Id}/status").Single(static l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public string[] LogLines()
    {
        lock (Log)
        {
            return [.. Log];
        }
    }

    /// <summary>Sends serve a signal by name (HUP: reload).</summary>
    public void Signal(string name) =>
        ProcessRunner.Run("kill", $"-{name}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>`pyctd passwd add` (or change) on the server's users file, the password on stdin.</summary>
    public void AddUser(string name, string password, params string[] options) => Passwd(password, ["add", name, .. options]);

    /// <summary>`pyctd passwd del` on the server's users file.</summary>
    public void RemoveUser(string name) => Passwd(null, ["del", name]);

    private void Passwd(string? password, string[] arguments)
    {
        var start = new ProcessStartInfo(Repository.PyctdBinary) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["passwd", .. arguments, "--users", UsersPath])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        if (password is not null)
        {
            process.StandardInput.WriteLine(password);
        }

        process.StandardInput.Close();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pyctd passwd {string.Join(' ', arguments)} failed: {error}");
        }
    }

    private void WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"pyctd serve exited {_process.ExitCode}: {string.Join('\n', LogLines())}");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                break;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        // Its stderr arrives on another thread: wait for the last start-up line ("pyctd: auth ..."),
        // so a test that reads the start-up lines finds them all.
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (LogLines().Any(static line => line.StartsWith("pyctd: auth ", StringComparison.Ordinal)))
            {
                return;
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"pyctd serve did not start listening: {string.Join('\n', LogLines())}");
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            ProcessRunner.Run("kill", "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
            }
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>One lab and one server for the XML-RPC tests.</summary>
public sealed class ServedLab : IDisposable
{
    public ServedLab()
    {
        Lab = new LabNamespace(bulkFlows: 3_000);
        try
        {
            Server = new ServerProcess(Lab);
        }
        catch
        {
            // xunit does not dispose a fixture whose constructor threw: the namespace would outlive the run.
            Lab.Dispose();
            throw;
        }
    }

    public LabNamespace Lab { get; }

    public ServerProcess Server { get; }

    public void Dispose()
    {
        Server.Dispose();
        Lab.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ServedLabCollection : ICollectionFixture<ServedLab>
{
    public const string Name = "served lab";
}
