using System.Buffers.Binary;
using System.Text;
using Pyctd.Conntrack;

namespace Pyctd.Serve.Api;

internal enum ViewFieldKind
{
    Number,
    Address,
    Protocol,
    Family,
    State,
    Status,
}

/// <summary>
/// A scalar field of the API's connection struct: what `view` can filter and order by. The
/// original's filter keys (mark, timeout, orig_l4proto, orig_ipv4_src, ...) are among them.
/// </summary>
internal sealed class ViewField
{
    private readonly Func<Snapshot, int, long>? _number;
    private readonly Func<ConntrackRecord, AddressBytes>? _address;

    private ViewField(string name, ViewFieldKind kind, Func<Snapshot, int, long>? number = null, Func<ConntrackRecord, AddressBytes>? address = null)
    {
        Name = name;
        Kind = kind;
        _number = number;
        _address = address;
    }

    public string Name { get; }

    public ViewFieldKind Kind { get; }

    /// <summary>orig_ipv4_src/dst: IPv4 only, and also given as PHP's ip2long integer.</summary>
    public bool IPv4Only { get; private init; }

    public long Number(Snapshot snapshot, int index) => Kind switch
    {
        ViewFieldKind.Protocol => snapshot[index].Protocol,
        ViewFieldKind.Family => snapshot[index].Family,
        ViewFieldKind.Status => snapshot[index].Status,
        ViewFieldKind.State => ProtocolStateOrder(snapshot[index]),
        _ => _number!(snapshot, index),
    };

    public AddressBytes Address(in ConntrackRecord record) => _address!(record);

    private static readonly ViewField[] s_fields =
    [
        Numeric("id", static (s, i) => s[i].Id),
        new("family", ViewFieldKind.Family),
        new("orig_l3proto", ViewFieldKind.Family),
        new("proto", ViewFieldKind.Protocol),
        new("orig_l4proto", ViewFieldKind.Protocol),
        new("orig_src", ViewFieldKind.Address, address: static r => r.Original.Source),
        new("orig_dst", ViewFieldKind.Address, address: static r => r.Original.Destination),
        new("repl_src", ViewFieldKind.Address, address: static r => r.Reply.Source),
        new("repl_dst", ViewFieldKind.Address, address: static r => r.Reply.Destination),
        new("orig_ipv4_src", ViewFieldKind.Address, address: static r => r.Original.Source) { IPv4Only = true },
        new("orig_ipv4_dst", ViewFieldKind.Address, address: static r => r.Original.Destination) { IPv4Only = true },
        Numeric("orig_port_src", static (s, i) => s[i].Original.SourcePort),
        Numeric("orig_port_dst", static (s, i) => s[i].Original.DestinationPort),
        Numeric("repl_port_src", static (s, i) => s[i].Reply.SourcePort),
        Numeric("repl_port_dst", static (s, i) => s[i].Reply.DestinationPort),
        Numeric("icmp_type", static (s, i) => s[i].Original.IcmpType),
        Numeric("icmp_code", static (s, i) => s[i].Original.IcmpCode),
        Numeric("icmp_id", static (s, i) => s[i].Original.IcmpId),
        new("state", ViewFieldKind.State),
        new("status", ViewFieldKind.Status),
        Numeric("mark", static (s, i) => s[i].Mark),
        Numeric("secmark", static (s, i) => s[i].Secmark),
        Numeric("zone", static (s, i) => s[i].Zone),
        Numeric("timeout", static (s, i) => s[i].Timeout),
        Numeric("use", static (s, i) => s[i].Use),
        Numeric("orig_packets", static (s, i) => (long)s[i].OriginalCounters.Packets),
        Numeric("orig_bytes", static (s, i) => (long)s[i].OriginalCounters.Bytes),
        Numeric("repl_packets", static (s, i) => (long)s[i].ReplyCounters.Packets),
        Numeric("repl_bytes", static (s, i) => (long)s[i].ReplyCounters.Bytes),
        Numeric("packets", static (s, i) => (long)s[i].TotalPackets),
        Numeric("bytes", static (s, i) => (long)s[i].TotalBytes),
        Numeric("orig_rate", static (s, i) => s.RatesOf(i).Original),
        Numeric("repl_rate", static (s, i) => s.RatesOf(i).Reply),
        Numeric("rate", static (s, i) => s.RatesOf(i).Total),
    ];

    public static IReadOnlyList<ViewField> All => s_fields;

    public static ViewField? Find(string name)
    {
        foreach (ViewField field in s_fields)
        {
            if (field.Name == name)
            {
                return field;
            }
        }

        return null;
    }

    public static string Names => string.Join(", ", s_fields.Select(static f => f.Name));

    /// <summary>PHP's ip2long: the IPv4 address as a host-order integer.</summary>
    public static long Ip2Long(in AddressBytes address) => BinaryPrimitives.ReadUInt32BigEndian(address);

    private static ViewField Numeric(string name, Func<Snapshot, int, long> number) => new(name, ViewFieldKind.Number, number);

    private static long ProtocolStateOrder(in ConntrackRecord record)
    {
        long[]? keys = record.Has(RecordFields.TcpState) ? s_tcpKeys
            : record.Has(RecordFields.SctpState) ? s_sctpKeys
            : record.Has(RecordFields.DccpState) ? s_dccpKeys
            : null;
        return keys is null ? 0 : keys[record.ProtocolState < keys.Length ? record.ProtocolState : 0];
    }

    // Every state name of every protocol, alphabetically: a state's key is its rank, so equal names
    // compare equal (TCP and SCTP share ESTABLISHED) and order_by state reads alphabetically.
    private static readonly Dictionary<string, long> s_stateRanks = ConntrackNames.TcpStates
        .Concat(ConntrackNames.SctpStates).Concat(ConntrackNames.DccpStates)
        .Distinct().Order(StringComparer.Ordinal)
        .Select(static (name, rank) => (name, rank))
        .ToDictionary(static x => x.name, static x => (long)x.rank + 1);

    private static readonly long[] s_tcpKeys = ConntrackNames.TcpStates.Select(StateKey).ToArray();
    private static readonly long[] s_sctpKeys = ConntrackNames.SctpStates.Select(StateKey).ToArray();
    private static readonly long[] s_dccpKeys = ConntrackNames.DccpStates.Select(StateKey).ToArray();

    /// <summary>The key of a state name; 0 for a protocol without states.</summary>
    public static long StateKey(string name) => s_stateRanks.GetValueOrDefault(name);

    public static string Text(ReadOnlySpan<byte> ascii) => Encoding.ASCII.GetString(ascii);
}
