using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// `pyctd events` against `conntrack -E`, both listening to the same lab at the same time while
/// entries are created, updated and deleted. The lab is this class's own: events are per namespace,
/// and another test's changes would show up in these streams.
/// </summary>
public sealed partial class EventsAgainstConntrackTests(EventsAgainstConntrackTests.Lab lab) : IClassFixture<EventsAgainstConntrackTests.Lab>
{
    private readonly LabNamespace _lab = lab.Namespace;

    /// <summary>The (type, start of the line) of every event <see cref="MakeEvents"/> causes.</summary>
    private static readonly string[] s_expected =
    [
        "    [NEW] tcp      6 120 ESTABLISHED src=127.0.0.1 dst=127.0.0.2 sport=40401 dport=80 ",
        " [UPDATE] tcp      6 ",
        "    [NEW] udp      17 120 src=::1 dst=::1 sport=40402 dport=53 ",
        "[DESTROY] tcp      6 ",
        "[DESTROY] udp      17 ",
        "    [NEW] icmp     1 ",
        " [UPDATE] icmp     1 ",
        "[DESTROY] icmp     1 ",
    ];

    [Fact]
    public async Task Events_ConntrackFormat_EqualsConntrackELines()
    {
        using EventListeners.Listener theirs = EventListeners.StartConntrack(_lab, "-o", "timestamp");
        using EventListeners.Listener ours = EventListeners.StartPyctd(_lab, "-o", "conntrack,timestamp");
        EventListeners.WaitUntilListening(_lab, 2);
        MakeEvents();

        ProcessResult conntrack = await theirs.Stop(), pyctd = await ours.Stop();
        Assert.True(pyctd.ExitCode == 0, pyctd.Stderr);
        Assert.True(conntrack.ExitCode == 0, conntrack.Stderr);
        Assert.Equal(EventListeners.NormalizeAll(conntrack.Lines), EventListeners.NormalizeAll(pyctd.Lines));
        Assert.All(pyctd.Lines, static line => Assert.Matches(@"^\[\d{10}\.\d{6}\]\t", line));

        string[] events = pyctd.Lines.Select(static line => line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..]).ToArray();
        Assert.Equal(s_expected.Length, events.Length);
        for (int i = 0; i < s_expected.Length; i++)
        {
            // The entries are made with a 120 s timeout; the kernel may report 119 when a second
            // ticks between the insert and the event (both tools print the same, checked above).
            string escaped = Regex.Escape(s_expected[i].Replace(" 120 ", " \u0001 ", StringComparison.Ordinal));
            string pattern = "^" + escaped.Replace("\u0001", "1(19|20)", StringComparison.Ordinal);
            Assert.Matches(pattern, events[i]);
        }

        Assert.Contains("mark=5", events[1], StringComparison.Ordinal);
        Assert.Contains("src=127.0.0.1 dst=127.0.0.2 sport=40401 dport=80 packets=0 bytes=0 ", events[3], StringComparison.Ordinal);
        Assert.Contains(" [USERSPACE] portid=", events[4], StringComparison.Ordinal); // conntrack -D caused it
        Assert.DoesNotContain("[USERSPACE]", events[6], StringComparison.Ordinal); // the kernel's own, for the echo reply
    }

    private static readonly string[][] s_filters =
    [
        ["-p", "udp"],
        ["-p", "tcp", "--dport", "80"],
        ["-s", "127.0.0.1"],
        ["-d", "127.0.0.9"],
        ["-f", "ipv6"],
        ["-s", "::1"],
        ["-m", "0"], // events without a mark attribute (the kernel's, a DESTROY of mark 0) match no mark
        ["-m", "5"],
    ];

    /// <summary>All filters listen at once to one round of events, so the cases cost one round.</summary>
    [Fact]
    public async Task Events_Filters_SelectWhatConntrackESelects()
    {
        var runs = s_filters.Select(filter => (
            Filter: filter,
            Theirs: EventListeners.StartConntrack(_lab, filter),
            Ours: EventListeners.StartPyctd(_lab, ["-o", "conntrack", .. filter]))).ToArray();
        try
        {
            EventListeners.WaitUntilListening(_lab, runs.Length * 2);
            MakeEvents();
            foreach (var (filter, theirs, ours) in runs)
            {
                string[] expected = EventListeners.NormalizeAll((await theirs.Stop()).Lines), actual = EventListeners.NormalizeAll((await ours.Stop()).Lines);
                Assert.True(expected.Length > 0, $"conntrack -E {string.Join(' ', filter)} saw nothing: the case proves nothing");
                Assert.True(expected.SequenceEqual(actual), $"{string.Join(' ', filter)}:\nconntrack -E:\n{string.Join('\n', expected)}\npyctd:\n{string.Join('\n', actual)}");
            }
        }
        finally
        {
            foreach (var (_, theirs, ours) in runs)
            {
                theirs.Dispose();
                ours.Dispose();
            }
        }
    }

    /// <summary>
    /// The socket filter drops in the kernel what it can decide (a TCP event for -p udp never reaches
    /// pyctd), and passes what it cannot (an IPv6 event for an IPv4 prefix) to the user-space filter.
    /// </summary>
    [Fact]
    public async Task Events_KernelFilter_DropsWhatItDecidesAndPassesTheRest()
    {
        using EventListeners.Listener udp = EventListeners.StartPyctd(_lab, "-p", "udp", "-f", "ipv4", "-v");
        using EventListeners.Listener prefix = EventListeners.StartPyctd(_lab, "-s", "127.0.0.0/8", "-p", "udp", "-v");
        EventListeners.WaitUntilListening(_lab, 2);
        MakeEvents(); // TCP, IPv6 UDP and ICMP events: none is an IPv4 UDP one

        ProcessResult udpOnly = await udp.Stop(), prefixOnly = await prefix.Stop();
        Assert.Matches("kernel filter: [0-9]+ BPF instructions", udpOnly.Stderr);
        Assert.Contains("pyctd: 0 events received, 0 shown", udpOnly.Stderr, StringComparison.Ordinal);
        Assert.Contains("pyctd: 2 events received, 0 shown", prefixOnly.Stderr, StringComparison.Ordinal); // NEW and DESTROY of the IPv6 UDP entry
        Assert.Empty(udpOnly.Lines.Skip(1)); // the table's header only
    }

    [Fact]
    public async Task Events_FlowRecord_CarriesTheLastCountersBeforeTheDelete()
    {
        Task<ProcessResult> ours = EventListeners.Pyctd(_lab, "--flows", "-o", "jsonl", "-p", "udp", "--dport", "15999", "--count", "1", "--timeout", "30");
        EventListeners.WaitUntilListening(_lab, 1);
        _lab.Exec("python3", "-c", """
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 15999))
            c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.bind(("127.0.0.1", 0))
            for n in (10, 200, 3000):
                c.sendto(b"q" * n, ("127.0.0.1", 15999)); d, a = s.recvfrom(4096); s.sendto(d + b"!", a); c.recv(4096)
            c.sendto(b"last", ("127.0.0.1", 15999))
            """);
        string listed = _lab.Conntrack("-L", "-p", "udp", "--dport", "15999").Stdout.Trim();
        _lab.Conntrack("-D", "-p", "udp", "--dport", "15999");

        ProcessResult result = await ours;
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var flow = JsonDocument.Parse(Assert.Single(result.Lines));
        JsonElement record = flow.RootElement;
        Assert.Equal("DESTROY", record.GetProperty("event").GetString());
        Match counters = CountersOf().Match(listed);
        Assert.True(counters.Success, listed);
        Assert.Equal(Number(counters, 1), record.GetProperty("orig_packets").GetUInt64());
        Assert.Equal(Number(counters, 2), record.GetProperty("orig_bytes").GetUInt64());
        Assert.Equal(Number(counters, 3), record.GetProperty("repl_packets").GetUInt64());
        Assert.Equal(Number(counters, 4), record.GetProperty("repl_bytes").GetUInt64());
        ulong start = record.GetProperty("start").GetUInt64(), end = record.GetProperty("end").GetUInt64();
        double duration = record.GetProperty("duration").GetDouble();
        Assert.InRange(end - start, 0UL, 60UL);
        Assert.InRange(duration, 0, 60);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", record.GetProperty("time").GetString());
    }

    [Fact]
    public async Task Events_Overrun_IsReportedWithTheRightCount()
    {
        const int flows = 20_000;
        Task<ProcessResult> ours = EventListeners.Pyctd(_lab, "-o", "conntrack", "-b", "1K", "-p", "udp", "--timeout", "20");
        EventListeners.WaitUntilListening(_lab, 1);
        _lab.Flood(flows);

        ProcessResult result = await ours;
        Assert.True(result.ExitCode == 0, result.Stderr);
        long lost = OverrunLine().Matches(result.Stderr).Sum(static match => long.Parse(match.Groups["lost"].Value, CultureInfo.InvariantCulture));
        Assert.True(lost > 0, $"a 1K buffer under {flows} flows reported no overrun: {result.Stderr}");
        Assert.InRange(result.Lines.Length + lost, flows - (flows / 100), flows + (flows / 100));
    }

    [Fact]
    public async Task Events_OverrunWithStrict_ExitsOne()
    {
        Task<ProcessResult> ours = EventListeners.Pyctd(_lab, "-o", "conntrack", "-b", "1K", "--strict", "--timeout", "20");
        EventListeners.WaitUntilListening(_lab, 1);
        _lab.Flood(5_000);

        ProcessResult result = await ours;
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^pyctd: event buffer overrun: \d+ events lost since \S+ \(--strict: stopping\)$", result.Stderr.Split('\n')[0]);
    }

    /// <summary>
    /// With DESTROY events alone pyctd sets NETLINK_BROADCAST_ERROR: a DESTROY that does not fit is
    /// sent again by the kernel, so even a 1K buffer loses none. A lab of its own, so that the flush
    /// ends only its entries.
    /// </summary>
    [Fact]
    public async Task Events_DestroyOnlyWithOverruns_LosesNone()
    {
        const int flows = 200;
        using var own = new LabNamespace();
        Task<ProcessResult> ours = EventListeners.Pyctd(own, "-e", "DESTROY", "-b", "1K", "-o", "conntrack", "--count", $"{flows}", "--timeout", "90");
        EventListeners.WaitUntilListening(own, 1);
        own.Flood(flows);
        own.Conntrack("-F");

        ProcessResult result = await ours;
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(flows, result.Lines.Length);
        Assert.All(result.Lines, static line => Assert.StartsWith("[DESTROY] ", line, StringComparison.Ordinal));
        Assert.Contains("deliveries failed since", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("the kernel sends those DESTROY events again", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_SigtermAndClosedPipe_EndWithStatusZero()
    {
        ProcessResult terminated = ProcessRunner.Run("timeout", ["--preserve-status", "-s", "TERM", "1", Repository.PyctdBinary, "--netns", _lab.Name, "events", "-o", "json"]);
        Assert.True(terminated.ExitCode == 0, terminated.Stderr);
        using (JsonDocument.Parse(terminated.Stdout))
        {
        }

        var clock = Stopwatch.StartNew();
        ProcessResult piped = ProcessRunner.Run("bash", ["-o", "pipefail", "-c", $"'{Repository.PyctdBinary}' --netns '{_lab.Name}' events -o conntrack | true"]);
        Assert.True(piped.ExitCode == 0, piped.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"pyctd events took {clock.Elapsed} to see its reader go");
    }

    [Fact]
    public void Events_FlowsWithoutAccounting_NamesTheSysctl()
    {
        _lab.Exec("sysctl", "-qw", "net.netfilter.nf_conntrack_acct=0");
        try
        {
            ProcessResult result = PyctdProcess.Run("--netns", _lab.Name, "events", "--flows", "--timeout", "1");
            Assert.Equal(1, result.ExitCode);
            Assert.Equal(
                $"pyctd: --flows needs nf_conntrack_acct=1 (off in this namespace): ip netns exec {_lab.Name} sysctl -w net.netfilter.nf_conntrack_acct=1 (it counts connections that start after it)",
                result.Stderr.Trim());
        }
        finally
        {
            _lab.Exec("sysctl", "-qw", "net.netfilter.nf_conntrack_acct=1");
        }
    }

    /// <summary>conntrack -E's "progname=": the program holding the netlink port, found through the lab's /proc/net/netlink.</summary>
    [Fact]
    public void PortOwners_ARunningProgramsPort_IsNamedAfterIt()
    {
        var start = new ProcessStartInfo("ip", ["netns", "exec", _lab.Name, "python3", "-c",
            "import socket, time; s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12); s.bind((0, 0)); "
            + "print(s.getsockname()[0], flush=True); time.sleep(30)"])
        {
            RedirectStandardOutput = true,
        };
        using Process holder = Process.Start(start)!;
        try
        {
            uint port = uint.Parse(holder.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
            using var owners = new Pyctd.Conntrack.NetlinkPortOwners(_lab.Name);
            Assert.StartsWith("python3", owners.NameOf(port), StringComparison.Ordinal);
            Assert.Null(owners.NameOf(port + 1_000_000));
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    /// <summary>
    /// NEW, UPDATE (mark) and DESTROY of a TCP entry; NEW and DESTROY of an IPv6 UDP one; the kernel's
    /// own NEW and UPDATE of a ping, and its DESTROY. Everything is deleted again, so a test can run it twice.
    /// </summary>
    private void MakeEvents()
    {
        string[] tcp = ["-p", "tcp", "-s", "127.0.0.1", "-d", "127.0.0.2", "--sport", "40401", "--dport", "80"];
        string[] udp6 = ["-p", "udp", "-s", "::1", "-d", "::1", "--sport", "40402", "--dport", "53"];
        _lab.Conntrack(["-I", .. tcp, "--state", "ESTABLISHED", "-u", "SEEN_REPLY", "-t", "120"]);
        _lab.Conntrack(["-U", .. tcp, "-m", "5"]);
        _lab.Conntrack(["-I", .. udp6, "-t", "120"]);
        _lab.Conntrack(["-D", .. tcp]);
        _lab.Conntrack(["-D", .. udp6]);
        _lab.Exec("python3", "-c", "import socket, os; s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); "
            + "s.sendto(bytes([8, 0, 0xf7, 0xfe, 0, 1, 0, 0]), ('127.0.0.9', 0)); s.settimeout(2); s.recv(100)");
        _lab.Exec("conntrack", "-D", "-p", "icmp", "-d", "127.0.0.9");
    }


    private static ulong Number(Match match, int group) => ulong.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"packets=(\d+) bytes=(\d+) .*packets=(\d+) bytes=(\d+)")]
    private static partial Regex CountersOf();

    [GeneratedRegex(@"^pyctd: event buffer overrun: (?<lost>\d+) events lost since ", RegexOptions.Multiline)]
    private static partial Regex OverrunLine();

    /// <summary>A lab of this class's own, with the fixed entries and no bulk flows.</summary>
    public sealed class Lab : IDisposable
    {
        public LabNamespace Namespace { get; } = new();

        public void Dispose() => Namespace.Dispose();
    }
}
