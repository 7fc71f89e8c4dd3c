using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Pyctd.Cli;

/// <summary>Assembles the root command from one factory per verb and maps parse errors to exit code 2.</summary>
internal static class PyctdCli
{
    public const string ExitCodesHelp = """
        Exit status:
          0  success
          1  runtime failure (the kernel refused, no such namespace, ...)
          2  usage error (unknown option, malformed address, port, mark or id)
          3  libnetfilter_conntrack.so.3 missing: install libnetfilter-conntrack3 (Debian/Ubuntu)
             or libnetfilter_conntrack (Fedora/RHEL)
          4  permission denied: needs CAP_NET_ADMIN (run as root)
        """;

    /// <summary>
    /// Every subcommand, one line each: name, factory, aliases. Only the one the arguments name is
    /// built (see <see cref="LazyCommand"/>); a new command is one more line here.
    /// </summary>
    private static readonly LazyCommand[] s_commands =
    [
        new("list", ListCommand.Create, "ls"),
        new("events", EventsCommand.Create),
        new("kill", KillCommand.Create),
        new("mark", MarkCommand.Create),
        new("timeout", TimeoutCommand.Create),
        new("serve", ServeCommand.Create),
        new("passwd", PasswdCommand.Create),
        new("stats", StatsCommand.Create),
        new("top", TopCommand.Create),
    ];

    /// <summary>The root for these arguments: the command they name is built, the others are stand-ins.</summary>
    public static RootCommand CreateRoot(string[] args)
    {
        var root = new RootCommand($"""
            pyctd {Version} - inspect and change the Netfilter connection tracking table.

            {ExitCodesHelp}
            """);
        root.Options.Add(GlobalOptions.Netns);
        root.Options.Add(GlobalOptions.Verbose);
        var named = LazyCommand.Named(s_commands, args);
        // The root's help lists each command's summary, so it needs them all; `pyctd --version`,
        // `pyctd frob` and a missing command need only their names.
        bool rootHelp = named is null && root.Options.OfType<HelpOption>().Any(help => args.Any(arg => LazyCommand.IsNamed(help, arg)));
        foreach (LazyCommand command in s_commands)
        {
            root.Subcommands.Add(command == named || rootHelp ? command.Build() : command.StandIn());
        }

        ShowSummariesInCommandList(root);
        if (root.Options.OfType<VersionOption>().FirstOrDefault() is { } version)
        {
            version.Action = new VersionAction();
        }

        return root;
    }

    /// <summary>
    /// `pyctd --version` prints <see cref="ProductVersion.Text"/>, a constant; System.CommandLine's
    /// own action would read the same number from the assembly's attributes through reflection.
    /// </summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return 0;
        }
    }

    /// <summary>The root's command list shows each verb's first line; `VERB --help` shows the whole text with its examples.</summary>
    private static void ShowSummariesInCommandList(RootCommand root)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction standard } help)
        {
            help.Action = new SummaryHelpAction(standard);
        }
    }

    /// <summary>
    /// System.CommandLine 3.0 keeps its HelpBuilder internal, so the standard help runs with each
    /// subcommand's description cut to its first line for the moment it is printed.
    /// </summary>
    private sealed class SummaryHelpAction(HelpAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            Command[] subcommands = [.. parseResult.CommandResult.Command.Subcommands];
            string?[] descriptions = subcommands.Select(static c => c.Description).ToArray();
            try
            {
                foreach (Command subcommand in subcommands)
                {
                    subcommand.Description = subcommand.Description?.Split('\n')[0];
                }

                return standard.Invoke(parseResult);
            }
            finally
            {
                for (int i = 0; i < subcommands.Length; i++)
                {
                    subcommands[i].Description = descriptions[i];
                }
            }
        }
    }

    /// <summary>"pyctd passwd add" for the command a parse ended in.</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult command)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? at = command; at is not null; at = at.Parent)
        {
            if (at is System.CommandLine.Parsing.CommandResult { Command: not RootCommand } verb)
            {
                names.Push(verb.Command.Name);
            }
        }

        return string.Join(' ', ["pyctd", .. names]);
    }

    public static string Version => ProductVersion.Text;

    public static int Run(string[] args)
    {
        RootCommand root = CreateRoot(args);
        ParseResult result = root.Parse(args);
        // `pyctd mark --help` must show help even though VALUE is missing.
        bool helpAsked = result.Action is HelpAction or SummaryHelpAction;
        if (result.Errors.Count > 0 && !helpAsked)
        {
            Console.Error.WriteLine($"pyctd: {MessageText.Escape(UsageError(result))}");
            return (int)ExitCode.Usage;
        }

        return result.Invoke();
    }

    /// <summary>
    /// One line for a command line that does not parse (the README and pyctd(8) promise one line
    /// per error): what is wrong, with where to look. Only the first problem is named; fixing it
    /// shows the next.
    /// </summary>
    internal static string UsageError(ParseResult result)
    {
        Command command = result.CommandResult.Command;
        string path = CommandPath(result.CommandResult);
        string? unmatched = result.UnmatchedTokens.Count > 0 ? result.UnmatchedTokens[0] : null;
        if (command.Action is null && command.Subcommands.Count > 0 && unmatched is null or [not '-', ..])
        {
            // `pyctd frob` or `pyctd passwd`: a command that only groups others.
            string commands = string.Join(", ", command.Subcommands.Where(static c => !c.Hidden).Select(static c => c.Name));
            string of = command is RootCommand ? string.Empty : $" for '{path}'";
            return unmatched is null
                ? $"missing command{of} (commands: {commands}); see '{path} --help'"
                : $"unknown command '{unmatched}'{of} (commands: {commands})";
        }

        string problem = unmatched switch
        {
            ['-', ..] => $"unknown option '{unmatched}'",
            not null => $"unexpected argument '{unmatched}'",
            _ => Sentence(result.Errors[0].Message),
        };
        return $"{problem}; see '{path} --help'";
    }

    /// <summary>System.CommandLine's messages as ours read: "Required argument missing..." becomes "required argument missing...".</summary>
    private static string Sentence(string message)
    {
        message = message.TrimEnd().TrimEnd('.');
        return message.Length > 1 && char.IsUpper(message[0]) && char.IsLower(message[1])
            ? char.ToLowerInvariant(message[0]) + message[1..]
            : message;
    }
}
