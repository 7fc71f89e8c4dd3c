using Pyctd.Conntrack;

namespace Pyctd.Cli;

/// <summary>
/// Filter criteria that can never hold together. Such a filter would select nothing and exit 0, so
/// a typo would look like "no such connections"; it is a usage error (exit 2) instead.
/// </summary>
internal static class FilterContradictions
{
    /// <summary>
    /// `--state NAME` with `-p PROTOCOL`: only TCP, SCTP and DCCP entries carry a state, each from its
    /// own list (ESTABLISHED is a TCP and an SCTP state, OPEN a DCCP one). Throws a usage error when the
    /// protocol has no state of that name; nothing is checked when either is not given.
    /// </summary>
    public static void CheckState(byte? protocol, string? state)
    {
        if (protocol is not byte given || state is null)
        {
            return;
        }

        IReadOnlyList<string>? states = given switch
        {
            IpProtocols.Tcp => ConntrackNames.TcpStates,
            IpProtocols.Sctp => ConntrackNames.SctpStates,
            IpProtocols.Dccp => ConntrackNames.DccpStates,
            _ => null,
        };
        string name = ProtocolName(given);
        if (states is null)
        {
            throw new PyctdException(ExitCode.Usage, $"--state {state} never matches -p {name}: {name} entries have no state");
        }

        if (!states.Contains(state, StringComparer.OrdinalIgnoreCase))
        {
            throw new PyctdException(ExitCode.Usage, $"--state {state} never matches -p {name}: {name} states are {string.Join(", ", states.Skip(1))}");
        }
    }

    private static string ProtocolName(byte protocol)
    {
        string name = System.Text.Encoding.ASCII.GetString(ConntrackNames.ProtocolUtf8(protocol));
        return name == "unknown" ? protocol.ToString(System.Globalization.CultureInfo.InvariantCulture) : name;
    }
}
