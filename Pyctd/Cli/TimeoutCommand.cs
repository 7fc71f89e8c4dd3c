using System.CommandLine;
using Pyctd.Conntrack;

namespace Pyctd.Cli;

/// <summary>`pyctd timeout`: set how many seconds connections have left.</summary>
internal static class TimeoutCommand
{
    public static readonly Argument<uint> Seconds = new("SECONDS")
    {
        Description = "Seconds until the entry expires unless traffic refreshes it (decimal or 0x hex)",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (ValueParsers.TryParseUInt32(text, out uint seconds))
            {
                return seconds;
            }

            result.AddError(ValueParsers.LeadingZeroError(text) ?? $"'{text}' is not a number of seconds (0-4294967295)");
            return 0;
        },
    };

    public static readonly Option<bool> Fixed = new("--fixed")
    {
        Description = "Make the timeout fixed: traffic no longer refreshes it. The kernel allows no later timeout change "
            + "and cannot clear the flag, so the entry then lives exactly SECONDS (kill it to end it sooner)",
    };

    public static Command Create()
    {
        Command command = ChangeCommand.Create(
            "timeout",
            """
            Set the remaining timeout of connections, in seconds.

            The kernel counts down from the new value; traffic on the connection then
            refreshes it as usual, unless --fixed. 0 lets the entry expire at once.
            An entry whose timeout is fixed (status FIXED_TIMEOUT) keeps it: the kernel
            refuses any change to it, and nothing can release it.

            Examples:
              pyctd timeout 30 -p udp --dport 53     # let DNS flows age out quickly
              pyctd timeout 3600 3735928559
              pyctd timeout 600 --fixed -s 10.0.0.9  # end in 10 minutes, traffic or not
            """,
            Seconds,
            new ChangeCommand.Verb("set the timeout of", "set the timeout of"),
            static result => ConnectionChange.SetTimeout(result.GetValue(Seconds), result.GetValue(Fixed)));
        command.Options.Add(Fixed);
        return command;
    }
}
