using System.CommandLine;
using Pyctd.Conntrack;

namespace Pyctd.Cli;

/// <summary>`pyctd kill`: delete connections, each by its full tuple and id.</summary>
internal static class KillCommand
{
    public static Command Create() => ChangeCommand.Create(
        "kill",
        """
        Delete connections from the tracking table.

        Each delete names the entry's full tuple and its id, so it removes exactly
        the entry that was selected; one that vanished meanwhile is reported as gone.
        A connection whose packets keep coming is tracked again by the next packet
        (drop 'ctstate NEW' packets that are not SYNs to prevent that for TCP).

        Examples:
          pyctd kill 3735928559                   # by id, as list shows it
          pyctd kill -s 192.168.1.23              # every flow from a host
          pyctd kill -p tcp --dport 22 --dry-run  # show, change nothing
          pyctd kill --all                        # empty the table
        """,
        value: null,
        new ChangeCommand.Verb("kill", "killed"),
        static _ => ConnectionChange.Delete);
}
