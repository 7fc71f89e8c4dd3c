using System.Globalization;
using System.Text.RegularExpressions;

namespace Pyctd.Tests.Support;

/// <summary>
/// Runs `pyctd events` and `conntrack -E` side by side in a lab: both in the background, each ending
/// by itself (pyctd's --timeout, conntrack under timeout(1) with SIGINT, which it ends on cleanly).
/// </summary>
internal static partial class EventListeners
{
    public static Task<ProcessResult> Pyctd(LabNamespace lab, params string[] arguments) =>
        Task.Run(() => PyctdProcess.Run(["--netns", lab.Name, "events", .. arguments]));

    public static Task<ProcessResult> Conntrack(LabNamespace lab, int seconds, params string[] arguments) =>
        Task.Run(() => lab.Exec(["timeout", "--preserve-status", "-s", "INT", seconds.ToString(CultureInfo.InvariantCulture), "conntrack", "-E", .. arguments]));

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
