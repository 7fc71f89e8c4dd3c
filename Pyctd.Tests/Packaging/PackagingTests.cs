using System.Text.RegularExpressions;
using Pyctd.Tests.Docs;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Packaging;

/// <summary>
/// The files under packaging/ are written by hand; these keep them in step with the binary. The
/// bash completion must offer every long option of every --help and the values the helps list,
/// and the packaged /etc/pyctd/pyctd.conf must name exactly serve's options and start serve.
/// </summary>
public sealed partial class PackagingTests
{
    private const string BashCompletionLibrary = "/usr/share/bash-completion/bash_completion";

    private static readonly string s_completion = Path.Combine(Repository.Root, "packaging", "pyctd.bash-completion");
    private static readonly string s_config = Path.Combine(Repository.Root, "packaging", "pyctd.conf");

    /// <summary>Completion runs with bash-completion's helpers (as installed) and without them (sourced by hand).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Completion_EveryLongOptionOfEveryHelp_IsOffered(bool withBashCompletion)
    {
        var missing = new List<string>();
        foreach ((string[] command, string help) in AllHelps())
        {
            string[] offered = Complete(withBashCompletion, [.. command, "--"]);
            missing.AddRange(ManPageTests.LongOptions(OptionSignatures(help))
                .Where(option => !offered.Contains(option, StringComparer.Ordinal))
                .Select(option => $"{option} (pyctd {string.Join(' ', command)})"));
        }

        Assert.True(missing.Count == 0, "packaging/pyctd.bash-completion does not offer: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Completion_OptionWithValuesInItsHelp_OffersExactlyThem(bool withBashCompletion)
    {
        // "--output <table|conntrack|json|jsonl>": the placeholder of --output, --family, --auth lists the values.
        int checkedOptions = 0;
        foreach ((string[] command, string help) in AllHelps())
        {
            foreach (Match match in ValuesPlaceholder().Matches(OptionSignatures(help)))
            {
                string option = match.Groups["option"].Value;
                string[] values = match.Groups["values"].Value.Split('|');
                Assert.Equal(values.Order(StringComparer.Ordinal), Complete(withBashCompletion, [.. command, option, ""]).Order(StringComparer.Ordinal));
                checkedOptions++;
            }
        }

        Assert.True(checkedOptions >= 4, $"only {checkedOptions} options with <a|b> values found in the helps");
    }

    [Fact]
    public void Completion_SortAndStatus_OfferEveryNameTheHelpLists()
    {
        string help = Help("list", "--help");
        string[] fields = SortFields().Match(help).Groups["fields"].Value.Split(", ");
        string[] flags = StatusFlags().Match(help).Groups["flags"].Value.Split(',');
        Assert.Contains("bytes", fields);
        Assert.Contains("ASSURED", flags);

        string[] sortOffered = Complete(false, "list", "--sort", "");
        string[] statusOffered = Complete(false, "list", "--status", "SEEN_REPLY,");
        Assert.Empty(fields.Except(sortOffered, StringComparer.Ordinal));
        Assert.Empty(flags.Select(static flag => "SEEN_REPLY," + flag).Except(statusOffered, StringComparer.Ordinal));
    }

    [Fact]
    public void PackagedConfig_Keys_AreServesLongOptions()
    {
        string[] options = ManPageTests.LongOptions(OptionSignatures(Help("serve", "--help")))
            .Select(static option => option[2..])
            .Select(static option => option == "no-console" ? "console" : option) // a flag that turns a default off: `console = false`
            .Except(["help", "verbose", "config"], StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Contains("listen", options);
        Assert.Equal(options, ConfigDefaults().Select(static d => d.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    /// <summary>The commented defaults, made active, are what serve does without them: it starts on them.</summary>
    [Fact]
    public void PackagedConfig_DefaultsUncommented_ServeStarts()
    {
        // listen, users and netns come from ServerProcess's command line (a lab, a free port); the
        // TLS files and the metrics address of the example do not exist.
        string[] active = ConfigDefaults()
            .Where(static d => d.Key is not ("listen" or "users" or "netns" or "tls-cert" or "tls-key" or "metrics-listen"))
            .Select(static d => $"{d.Key} = {d.Value}")
            .ToArray();
        Assert.Contains("session-timeout = 10", active);

        string directory = Directory.CreateTempSubdirectory("pyctd-conf-").FullName;
        try
        {
            string path = Path.Combine(directory, "pyctd.conf");
            File.WriteAllLines(path, active);
            using var lab = new LabNamespace();
            using var server = new ServerProcess(lab, "--config", path);
            Assert.False(server.HasExited, string.Join('\n', server.LogLines()));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The "#key = value" lines of packaging/pyctd.conf: every setting, commented out, with its default.</summary>
    private static (string Key, string Value)[] ConfigDefaults() =>
        File.ReadAllLines(s_config)
            .Select(static line => CommentedSetting().Match(line))
            .Where(static match => match.Success)
            .Select(static match => (match.Groups["key"].Value, match.Groups["value"].Value))
            .ToArray();

    /// <summary>The root's help and that of every command it lists, and of theirs in turn (`passwd add`).</summary>
    private static IEnumerable<(string[] Command, string Help)> AllHelps()
    {
        var pending = new Queue<string[]>([[]]);
        while (pending.TryDequeue(out string[]? command))
        {
            string help = Help([.. command, "--help"]);
            yield return (command, help);
            foreach (string name in ManPageTests.Commands(help))
            {
                pending.Enqueue([.. command, name]);
            }
        }
    }

    /// <summary>
    /// The first column of a help's "Options:" section, one option per line ("-o, --output
    /// &lt;table|conntrack|json|jsonl&gt;"), without the descriptions, which mention other options.
    /// </summary>
    private static string OptionSignatures(string help)
    {
        var signatures = new List<string>();
        bool inSection = false;
        foreach (string line in help.Split('\n'))
        {
            string text = line.TrimEnd('\r');
            if (!inSection)
            {
                inSection = text == "Options:";
                continue;
            }

            if (text.Length > 0 && !char.IsWhiteSpace(text[0]))
            {
                break; // the next section
            }

            Match signature = OptionSignature().Match(text);
            if (signature.Success)
            {
                signatures.Add(signature.Groups["signature"].Value);
            }
        }

        Assert.NotEmpty(signatures);
        return string.Join('\n', signatures);
    }

    private static string Help(params string[] arguments)
    {
        ProcessResult result = PyctdProcess.Run(arguments);
        Assert.True(result.ExitCode == 0, $"pyctd {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>
    /// What bash offers for `pyctd WORDS...`, the last word being the one under the cursor: the
    /// completion function called the way bash calls it, with COMP_WORDS and COMP_CWORD set.
    /// </summary>
    private static string[] Complete(bool withBashCompletion, params string[] words)
    {
        Assert.True(!withBashCompletion || File.Exists(BashCompletionLibrary),
            $"{BashCompletionLibrary} is missing: install bash-completion (scripts/install-deps does)");
        const string script = """
            library=$1 completion=$2
            shift 2
            if [ -n "$library" ]; then source "$library"; fi
            source "$completion"
            COMP_WORDS=("$PYCTD_UNDER_TEST" "$@")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"
            COMP_POINT=${#COMP_LINE}
            _pyctd pyctd "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        ProcessResult result = ProcessRunner.Run("bash",
            ["--norc", "--noprofile", "-c", script, "complete", withBashCompletion ? BashCompletionLibrary : "", s_completion, .. words],
            new Dictionary<string, string> { ["PYCTD_UNDER_TEST"] = Repository.PyctdBinary });
        Assert.True(result.ExitCode == 0, $"completing 'pyctd {string.Join(' ', words)}' failed: {result.Stderr}");
        return result.Lines;
    }

    [GeneratedRegex(@"^  (?<signature>-\S.*?)(?:\s{2,}|$)")]
    private static partial Regex OptionSignature();

    [GeneratedRegex(@"(?<option>--[a-z][a-z0-9-]*) <(?<values>[a-z0-9]+(?:\|[a-z0-9]+)+)>")]
    private static partial Regex ValuesPlaceholder();

    [GeneratedRegex(@"Sort by FIELD, one of: (?<fields>[a-z0-9_, ]+?) \(")]
    private static partial Regex SortFields();

    [GeneratedRegex(@"comma-separated: (?<flags>[A-Z_,]+)")]
    private static partial Regex StatusFlags();

    [GeneratedRegex(@"^#(?<key>[a-z][a-z0-9-]*) = (?<value>\S.*)$")]
    private static partial Regex CommentedSetting();
}
