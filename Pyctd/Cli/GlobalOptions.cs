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
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Report counts and timings on stderr; show full detail of unexpected errors (also PYCTD_DEBUG=1)",
        Recursive = true,
    };

    public static bool IsVerbose(ParseResult result) =>
        result.GetValue(Verbose) || Environment.GetEnvironmentVariable("PYCTD_DEBUG") is "1" or "true" or "yes";
}
