using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Docs;

/// <summary>
/// man/pyctd.8 is written by hand; these keep it in step with what the binary's --help offers.
/// The commands come from the helps' "Commands:" sections (the root's, and a command's own for
/// nested ones such as `passwd add`), so a new command is covered without touching this file.
/// </summary>
public sealed partial class ManPageTests
{
    private static readonly string s_manPage = ReadManPage();

    [Fact]
    public void ManPage_EveryLongOptionOfEveryHelp_IsDocumented()
    {
        var missing = new List<string>();
        foreach ((string[] command, string help) in AllHelps())
        {
            string[] options = LongOptions(help).ToArray();
            Assert.Contains("--help", options); // the extraction works on this output at all

            missing.AddRange(options
                .Where(option => !Mentions(s_manPage, option))
                .Select(option => $"{option} (from 'pyctd {string.Join(' ', [.. command, "--help"])}')"));
        }

        Assert.True(missing.Count == 0, "man/pyctd.8 does not mention: " + string.Join(", ", missing));
    }

    [Fact]
    public void ManPage_EveryCommandOfTheRootHelp_HasASection()
    {
        string[] commands = Commands(Help("--help")).ToArray();
        Assert.Contains("list", commands); // the root help's "Commands:" section was found and read

        string[] undocumented = commands
            .Where(command => !Regex.IsMatch(s_manPage, $@"^\.SS {Regex.Escape(command)}\s*$", RegexOptions.Multiline))
            .ToArray();
        Assert.True(undocumented.Length == 0, "man/pyctd.8 has no '.SS' section for: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void ManPage_Version_EqualsPyctdVersion()
    {
        ProcessResult result = PyctdProcess.Run("--version");
        Assert.Equal(0, result.ExitCode);

        Match title = TitleLine().Match(s_manPage);
        Assert.True(title.Success, "man/pyctd.8 has no '.TH PYCTD 8 DATE \"pyctd VERSION\"' line");
        Assert.Equal(result.Stdout.Trim(), title.Groups["version"].Value);
    }

    /// <summary>The root's help, then that of every command it lists, and of theirs in turn (`passwd add`).</summary>
    private static IEnumerable<(string[] Command, string Help)> AllHelps()
    {
        var pending = new Queue<string[]>([[]]);
        while (pending.TryDequeue(out string[]? command))
        {
            string help = Help([.. command, "--help"]);
            yield return (command, help);
            if (command.Length < 3)
            {
                foreach (string name in Commands(help))
                {
                    pending.Enqueue([.. command, name]);
                }
            }
        }
    }

    private static string Help(params string[] arguments)
    {
        ProcessResult result = PyctdProcess.Run(arguments);
        Assert.True(result.ExitCode == 0, $"pyctd {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>
    /// The command names of a help's "Commands:" section. A command's line starts with exactly two
    /// spaces ("  list, ls   List ..."); its description continues on lines indented further.
    /// </summary>
    internal static IEnumerable<string> Commands(string help)
    {
        bool inSection = false;
        foreach (string line in help.Split('\n'))
        {
            string text = line.TrimEnd('\r');
            if (!inSection)
            {
                inSection = text == "Commands:";
                continue;
            }

            if (text.Length > 0 && !char.IsWhiteSpace(text[0]))
            {
                yield break; // the next section
            }

            Match command = CommandLine().Match(text);
            if (command.Success)
            {
                yield return command.Groups["name"].Value;
            }
        }
    }

    internal static IEnumerable<string> LongOptions(string help) =>
        LongOption().Matches(help).Select(static match => match.Value).Distinct(StringComparer.Ordinal);

    /// <summary>True when <paramref name="option"/> stands in the roff text as a whole word.</summary>
    internal static bool Mentions(string roff, string option) =>
        Regex.IsMatch(roff, $@"(?<![\w-]){Regex.Escape(option)}(?![\w-])");

    /// <summary>The page with roff's escaped dashes and zero-width escapes made plain: "\-\-no\-header" reads "--no-header".</summary>
    internal static string Plain(string roff) =>
        roff.Replace(@"\-", "-", StringComparison.Ordinal)
            .Replace(@"\&", string.Empty, StringComparison.Ordinal)
            .Replace(@"\%", string.Empty, StringComparison.Ordinal);

    private static string ReadManPage() => Plain(File.ReadAllText(Path.Combine(Repository.Root, "man", "pyctd.8")));

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex LongOption();

    [GeneratedRegex(@"^  (?<name>[a-z][a-z0-9-]*)")]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"^\.TH\s+PYCTD\s+8\s+\S+\s+""pyctd (?<version>[^""]+)""", RegexOptions.Multiline)]
    private static partial Regex TitleLine();
}
