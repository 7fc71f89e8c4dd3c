using System.CommandLine;

namespace Pyctd.Cli;

/// <summary>
/// A subcommand as the root registers it: its name, its aliases and the factory that builds it.
/// Building a command creates its options, their parsers and descriptions, and pages in their
/// code; a one-shot `pyctd list` on a router should not pay for `serve`'s options. So the root
/// builds only the command the arguments name, and a bare stand-in (name and aliases, nothing
/// else) for every other one, which is all parsing that command line needs.
/// </summary>
internal sealed class LazyCommand(string name, Func<Command> create, params string[] aliases)
{
    public string Name { get; } = name;

    public bool IsNamed(string token) => token == Name || aliases.Contains(token);

    public Command Build() => WithAliases(create());

    /// <summary>A command that only answers to its names: the root's parse never enters it.</summary>
    public Command StandIn() => WithAliases(new Command(Name));

    /// <summary>The aliases live here, once, so the command and its stand-in answer to the same names.</summary>
    private Command WithAliases(Command command)
    {
        foreach (string alias in aliases)
        {
            command.Aliases.Add(alias);
        }

        return command;
    }

    /// <summary>
    /// The command the arguments name (the first token that is not a global option or its value),
    /// or null when they name none: `pyctd --help`, `pyctd frob`, a response file.
    /// </summary>
    public static LazyCommand? Named(IReadOnlyList<LazyCommand> commands, string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string token = args[i];
            if (IsNamed(GlobalOptions.Netns, token))
            {
                i++;
            }
            else if (!IsNamed(GlobalOptions.Verbose, token) && !token.StartsWith("--netns=", StringComparison.Ordinal))
            {
                return commands.FirstOrDefault(command => command.IsNamed(token));
            }
        }

        return null;
    }

    /// <summary>Whether a command-line token is the option's name or one of its aliases.</summary>
    internal static bool IsNamed(Option option, string token) => token == option.Name || option.Aliases.Contains(token);
}
