using Pyctd.Conntrack;

namespace Pyctd.Domain.Fields;

/// <summary>
/// A protocol state as a number: its rank among every state name of every protocol, alphabetically.
/// Equal names compare equal (TCP and SCTP share ESTABLISHED), ordering by state reads
/// alphabetically, and 0 means "no state" (UDP, ICMP, ...).
/// </summary>
internal static class StateOrder
{
    private static readonly string[] s_names = ConntrackNames.TcpStates
        .Concat(ConntrackNames.SctpStates).Concat(ConntrackNames.DccpStates)
        .Distinct().Order(StringComparer.Ordinal).ToArray();

    private static readonly byte[] s_tcp = Ranks(ConntrackNames.TcpStates);
    private static readonly byte[] s_sctp = Ranks(ConntrackNames.SctpStates);
    private static readonly byte[] s_dccp = Ranks(ConntrackNames.DccpStates);

    public static IReadOnlyList<string> Names => s_names;

    public static ulong Of(in ConntrackRecord record)
    {
        byte[]? ranks = record.Has(RecordFields.TcpState) ? s_tcp
            : record.Has(RecordFields.SctpState) ? s_sctp
            : record.Has(RecordFields.DccpState) ? s_dccp
            : null;
        return ranks is null ? 0UL : ranks[record.ProtocolState < ranks.Length ? record.ProtocolState : 0];
    }

    /// <summary>The rank of a state name, upper case; 0 when no protocol has that state.</summary>
    public static ulong Of(string name)
    {
        int index = Array.BinarySearch(s_names, name, StringComparer.Ordinal);
        return index < 0 ? 0 : (ulong)index + 1;
    }

    /// <summary>The states entries of <paramref name="protocol"/> can be in (index 0 is NONE); null for protocols without states.</summary>
    public static IReadOnlyList<string>? StatesOf(byte protocol) => protocol switch
    {
        IpProtocols.Tcp => ConntrackNames.TcpStates,
        IpProtocols.Sctp => ConntrackNames.SctpStates,
        IpProtocols.Dccp => ConntrackNames.DccpStates,
        _ => null,
    };

    private static byte[] Ranks(IReadOnlyList<string> states) => states.Select(static s => (byte)Of(s)).ToArray();
}
