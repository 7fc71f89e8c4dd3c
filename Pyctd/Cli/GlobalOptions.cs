using System.CommandLine;

namespace Pyctd.Cli;

/// <summary>Options every subcommand takes; declared once, attached to the root as recursive options.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Netns = new("--netns", "-n")
    {
        Description = "Act inside network namespace NAME (as 'ip -n NAME' does; NAME from 'ip netns list', or a path such as /proc/PID/ns/net)",
        HelpName = "NAME",
        Recursive = true,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (NamespaceNameError(text) is string error)
            {
                result.AddError(error);
                return null;
            }

            return text;
        },
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Report counts and timings on stderr; show full detail of unexpected errors (also PYCTD_DEBUG=1)",
        Recursive = true,
    };

    public static bool IsVerbose(ParseResult result) =>
        result.GetValue(Verbose) || Environment.GetEnvironmentVariable("PYCTD_DEBUG") is "1" or "true" or "yes";

    /// <summary>
    /// An empty or blank NAME is refused, not read as "this namespace": a script whose variable is
    /// empty (`pyctd --netns "$NS" kill --all`) would otherwise act on the host's table.
    /// </summary>
    public static string? NamespaceNameError(string name) =>
        string.IsNullOrWhiteSpace(name) ? $"--netns needs a namespace name, got '{name}' (leave --netns out for this namespace)" : null;
}
