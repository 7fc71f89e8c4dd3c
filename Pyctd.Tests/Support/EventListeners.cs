using System.Globalization;
using System.Text.RegularExpressions;

namespace Pyctd.Tests.Support;

/// <summary>
/// Runs `pyctd events` and `conntrack -E` side by side in a lab, in the background: either until
/// it ends by itself (pyctd's --count or --timeout), or until <see cref="Listener.Stop"/> sends it
/// SIGINT, which both end on cleanly, once the events of a test have been made and read.
/// </summary>
internal static partial class EventListeners
{
    public static Task<ProcessResult> Pyctd(LabNamespace lab, params string[] arguments) =>
        Task.Run(() => PyctdProcess.Run(["--netns", lab.Name, "events", .. arguments]));

    public static Listener StartPyctd(LabNamespace lab, params string[] arguments) =>
        new(Repository.PyctdBinary, ["--netns", lab.Name, "events", .. arguments]);

    /// <summary>`ip netns exec` execs conntrack, so the process started is conntrack itself.</summary>
    public static Listener StartConntrack(LabNamespace lab, params string[] arguments) =>
        new("ip", ["netns", "exec", lab.Name, "conntrack", "-E", .. arguments]);

    /// <summary>One listener this test started; <see cref="Stop"/> signals only that process, by its id.</summary>
    public sealed class Listener : IDisposable
    {
        private readonly System.Diagnostics.Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;

        public Listener(string file, string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            _process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
            _stdout = _process.StandardOutput.ReadToEndAsync();
            _stderr = _process.StandardError.ReadToEndAsync();
        }

        /// <summary>Lets what is in flight arrive, then SIGINT, and what the listener printed.</summary>
        public async Task<ProcessResult> Stop()
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            if (!_process.HasExited)
            {
                ProcessRunner.Run("kill", "-INT", _process.Id.ToString(CultureInfo.InvariantCulture));
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return new ProcessResult(_process.ExitCode, await _stdout, await _stderr);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }

    /// <summary>
    /// Waits until <paramref name="count"/> NETLINK_NETFILTER sockets of the lab have joined a
    /// multicast group (the Groups column of /proc/net/netlink), so no event is made before they listen.
    /// </summary>
    public static void WaitUntilListening(LabNamespace lab, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Listeners(lab) < count)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"{count} event listeners did not start in {lab.Name}");
            }

            Thread.Sleep(50);
        }
    }

    private static int Listeners(LabNamespace lab) => lab.Exec("cat", "/proc/net/netlink").Lines
        .Select(static line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Count(static fields => fields.Length > 3 && fields[1] == "12" && fields[3] != "00000000");

    /// <summary>
    /// What may differ between the two tools' lines of one event: the receive time of `-o timestamp`
    /// (each reads its own clock), and the progname= that conntrack adds when it wins a race to /proc.
    /// </summary>
    public static string Normalize(string line) => ProgramName().Replace(TimePrefix().Replace(line, "[T]\t"), string.Empty);

    public static string[] NormalizeAll(IEnumerable<string> lines) => lines.Select(Normalize).ToArray();

    [GeneratedRegex(@"^\[\d{8,}\.\d{6}\]\t")]
    private static partial Regex TimePrefix();

    [GeneratedRegex(@" progname=\S+$")]
    private static partial Regex ProgramName();
}
