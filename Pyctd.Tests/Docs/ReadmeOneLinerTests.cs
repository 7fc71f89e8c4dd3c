using System.Globalization;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Docs;

/// <summary>
/// Runs the README's runnable one-liners, as written, against a lab table of their own: each line
/// goes to `bash -o pipefail -c` with a `pyctd` on PATH that is the binary under test with
/// `--netns LAB`. Every line must exit 0 with output and no complaint; kill, mark and timeout are
/// also checked against `conntrack -L`: exactly the entries conntrack's own filter selects change,
/// as the command says, and nothing else does.
/// </summary>
public sealed partial class ReadmeOneLinerTests(ReadmeOneLinerTests.Lab lab) : IClassFixture<ReadmeOneLinerTests.Lab>
{
    /// <summary>Entries with less time left may expire on their own while a line runs; they are left out of "nothing else changed".</summary>
    private const int ShortLivedSeconds = 60;

    /// <summary>
    /// What the one-liners select besides the lab's own entries: a LAN host 192.168.1.23 and a
    /// subnet 10.0.0.0/24 talking ssh, https and DNS. They are only entries in the lab's table
    /// (conntrack -I); no packet is sent and no address is configured. Each is a tuple, then its state.
    /// </summary>
    private static readonly (string[] Tuple, string[] State)[] s_entries =
    [
        (["-p", "tcp", "-s", "192.168.1.23", "-d", "10.0.0.80", "--sport", "51000", "--dport", "443"], ["--state", "ESTABLISHED", "-u", "SEEN_REPLY,ASSURED"]),
        (["-p", "tcp", "-s", "192.168.1.23", "-d", "10.0.0.22", "--sport", "51001", "--dport", "22"], ["--state", "ESTABLISHED", "-u", "SEEN_REPLY,ASSURED"]),
        (["-p", "udp", "-s", "192.168.1.23", "-d", "10.0.0.53", "--sport", "51002", "--dport", "53"], ["-u", "SEEN_REPLY"]),
        (["-p", "tcp", "-s", "10.0.0.7", "-d", "192.168.1.1", "--sport", "51003", "--dport", "443"], ["--state", "ESTABLISHED", "-u", "SEEN_REPLY,ASSURED"]),
        (["-p", "udp", "-s", "10.0.0.8", "-d", "10.0.0.53", "--sport", "51004", "--dport", "53"], []),
    ];

    private readonly LabNamespace _lab = lab.Namespace;

    public static TheoryData<string> OneLiners() => new(Readme.RunnableOneLiners());

    [Theory]
    [MemberData(nameof(OneLiners))]
    public void Readme_OneLiner_RunsAgainstALabAndDoesWhatItSays(string line)
    {
        PutBackTheSelectedEntries();
        var change = ChangeCommand.Parse(line);
        Dictionary<uint, Entry> before = Entries();
        HashSet<uint> selected = change is null ? [] : Ids(_lab.Conntrack(["-L", "-o", "id", .. change.Filters]));

        ProcessResult result = line.StartsWith("pyctd events", StringComparison.Ordinal) ? RunWhileConnectionsComeAndGo(line) : lab.Run(line);

        Assert.True(result.ExitCode == 0, $"'{line}' exited {result.ExitCode}: {result.Stderr}");
        Assert.False(string.IsNullOrWhiteSpace(result.Stdout), $"'{line}' printed nothing");
        if (change is null)
        {
            Assert.True(result.Stderr.Length == 0, $"'{line}' complained: {result.Stderr}");
            return;
        }

        Assert.True(selected.Count > 0, $"conntrack -L {string.Join(' ', change.Filters)} selects nothing in the lab: the line would prove nothing");
        string count = $@"\b{selected.Count} connections?\b";
        if (change.DryRun)
        {
            Assert.Matches($"^would .*{count}$", result.Stderr.Trim());
        }
        else
        {
            Assert.True(result.Stderr.Length == 0, $"'{line}' complained: {result.Stderr}");
            Assert.Matches(count, result.Stdout);
        }

        Dictionary<uint, Entry> after = Entries();
        foreach ((uint id, Entry old) in before)
        {
            if (selected.Contains(id) && !change.DryRun)
            {
                CheckChanged(change, id, old, after.TryGetValue(id, out Entry now) ? now : null);
            }
            else if (old.Timeout > ShortLivedSeconds)
            {
                Assert.True(after.TryGetValue(id, out Entry now) && Unchanged(old, now), $"'{line}' changed entry {id}, which it did not select: {old} -> {(after.ContainsKey(id) ? now : "gone")}");
            }
        }
    }

    /// <summary>
    /// An events line has something to show only while connections start and end: the selected
    /// entries are deleted and inserted again, round after round, until the line has had enough.
    /// Entries made while pyctd listens end with a DESTROY event whatever nf_conntrack_events says.
    /// </summary>
    private ProcessResult RunWhileConnectionsComeAndGo(string line)
    {
        Task<ProcessResult> run = Task.Run(() => lab.Run(line));
        var rounds = System.Diagnostics.Stopwatch.StartNew();
        while (!run.Wait(TimeSpan.FromMilliseconds(300)) && rounds.Elapsed < TimeSpan.FromSeconds(60))
        {
            PutBackTheSelectedEntries();
        }

        return run.Result;
    }

    private static void CheckChanged(ChangeCommand change, uint id, Entry old, Entry? now)
    {
        switch (change.Verb)
        {
            case "kill":
                Assert.True(now is null, $"entry {id} is still there: {now}");
                break;
            case "mark":
                uint expected = (old.Mark & ~change.Mask) | (change.Value & change.Mask);
                Assert.True(now is { } marked && marked.Mark == expected, $"entry {id}: mark {old.Mark} should be {expected}, is {now}");
                break;
            case "timeout":
                Assert.True(now is null ? change.Value == 0 : now.Value.Timeout <= change.Value, $"entry {id}: timeout {old.Timeout} should be at most {change.Value}, is {now}");
                break;
            default:
                throw new InvalidOperationException($"no check for '{change.Verb}'");
        }
    }

    /// <summary>Same mark, and a timeout that only counted down (a change would have reset it).</summary>
    private static bool Unchanged(Entry old, Entry now) =>
        now.Mark == old.Mark && now.Timeout <= old.Timeout + 1 && now.Timeout >= old.Timeout - ShortLivedSeconds;

    /// <summary>The entries above as new (mark 0, a day to live), whatever an earlier line did to them.</summary>
    private void PutBackTheSelectedEntries()
    {
        foreach ((string[] tuple, string[] state) in s_entries)
        {
            _lab.Exec(["conntrack", "-D", .. tuple]); // "0 flow entries" when an earlier line killed it
            _lab.Conntrack(["-I", .. tuple, .. state, "-t", "86400"]);
        }
    }

    private Dictionary<uint, Entry> Entries() =>
        _lab.Conntrack("-L", "-o", "id").Lines.Select(Entry.Parse).ToDictionary(static entry => entry.Id);

    private static HashSet<uint> Ids(ProcessResult conntrack) => conntrack.Lines.Select(static line => Entry.Parse(line).Id).ToHashSet();

    /// <summary>One line of `conntrack -L -o id`: "tcp      6 86397 ESTABLISHED src=... mark=0 use=1 id=123".</summary>
    private readonly partial record struct Entry(uint Id, uint Mark, uint Timeout)
    {
        public static Entry Parse(string line)
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new Entry(
                Number(IdField().Match(line), line),
                Number(MarkField().Match(line), line),
                uint.Parse(fields[2], CultureInfo.InvariantCulture));
        }

        private static uint Number(Match match, string line) =>
            match.Success ? uint.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new FormatException("not a conntrack -L -o id line: " + line);

        [GeneratedRegex(@" id=(\d+)$")]
        private static partial Regex IdField();

        [GeneratedRegex(@" mark=(\d+) ")]
        private static partial Regex MarkField();
    }

    /// <summary>A kill, mark or timeout one-liner taken apart: only filters, so conntrack(8) can say what it selects.</summary>
    private sealed partial record ChangeCommand(string Verb, uint Value, uint Mask, string[] Filters, bool DryRun)
    {
        public static ChangeCommand? Parse(string line)
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string verb = words[1];
            if (verb is not ("kill" or "mark" or "timeout"))
            {
                return null;
            }

            Assert.True(!ShellSyntax().IsMatch(line), $"'{line}': a kill, mark or timeout one-liner must be a plain command, its filters checkable with conntrack");
            uint value = 0, mask = uint.MaxValue;
            int next = 2;
            if (verb != "kill")
            {
                string[] valueAndMask = words[next++].Split('/');
                value = ParseNumber(valueAndMask[0]);
                mask = valueAndMask.Length > 1 ? ParseNumber(valueAndMask[1]) : uint.MaxValue;
            }

            bool dryRun = false;
            var filters = new List<string>();
            for (int i = next; i < words.Length; i++)
            {
                switch (words[i])
                {
                    case "--dry-run":
                        dryRun = true;
                        break;
                    case "-o" or "--output":
                        i++;
                        break;
                    default:
                        filters.Add(words[i]);
                        break;
                }
            }

            Assert.True(filters.Count > 0 && filters[0].StartsWith('-'), $"'{line}': select by filters only (ids differ in every table, --all empties it)");
            Assert.DoesNotContain("--all", filters);
            return new ChangeCommand(verb, value, mask, [.. filters], dryRun);
        }

        private static uint ParseNumber(string text) =>
            text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? uint.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : uint.Parse(text, CultureInfo.InvariantCulture);

        [GeneratedRegex(@"[|;&$`'""<>()\\]")]
        private static partial Regex ShellSyntax();
    }

    /// <summary>
    /// The lab (fixed entries, a few hundred flows) and a directory holding the `pyctd` the
    /// one-liners call: a wrapper that runs the binary under test inside the lab.
    /// </summary>
    public sealed class Lab : IDisposable
    {
        private readonly string _bin;

        public Lab()
        {
            Namespace = new LabNamespace(bulkFlows: 300);
            _bin = Directory.CreateTempSubdirectory("pyctd-readme-").FullName;
            string wrapper = Path.Combine(_bin, "pyctd");
            File.WriteAllText(wrapper, $"#!/bin/sh\nexec '{Repository.PyctdBinary}' --netns '{Namespace.Name}' \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public LabNamespace Namespace { get; }

        /// <summary>The line as a user types it; pipefail, so a failing pyctd is not hidden by a jq after it.</summary>
        public ProcessResult Run(string line) =>
            ProcessRunner.Run("bash", ["-o", "pipefail", "-c", line], new Dictionary<string, string>
            {
                ["PATH"] = _bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            });

        public void Dispose()
        {
            Namespace.Dispose();
            Directory.Delete(_bin, recursive: true);
        }
    }
}
