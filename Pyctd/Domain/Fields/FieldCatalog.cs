using System.Buffers.Binary;
using Pyctd.Conntrack;

namespace Pyctd.Domain.Fields;

/// <summary>
/// Every field of a connection, once. The order here is the order JSON and XML-RPC write them in.
/// Adding a field is one entry: filters (`list` options, view's filters struct), ordering (`--sort`,
/// view's order_by), JSON and XML-RPC rows all take it from here.
/// </summary>
internal static class FieldCatalog
{
    public static readonly ConntrackField Id = new()
    {
        Name = "id", Description = "conntrack id (u32; a string in XML-RPC)", Type = FieldType.Number, Output = FieldOutput.Id,
        ValueHelp = "a connection id (0-4294967295)",
        Number = static (in r, in _) => r.Id, Presence = static (in r, in _) => r.Has(RecordFields.Id),
    };

    public static readonly ConntrackField Family = new()
    {
        Name = "family", Description = "address family: ipv4 or ipv6", Type = FieldType.Family, Output = FieldOutput.Text,
        Number = static (in r, in _) => r.Family, Text = static (in r) => ConntrackNames.FamilyUtf8(r.Family), MaxValue = byte.MaxValue,
    };

    public static readonly ConntrackField Protocol = new()
    {
        Name = "proto", Aliases = ["protocol"], Description = "layer-4 protocol: tcp, udp, icmp, ... or a number",
        Type = FieldType.Protocol, Output = FieldOutput.Text,
        Number = static (in r, in _) => r.Protocol, Text = static (in r) => ConntrackNames.ProtocolUtf8(r.Protocol), MaxValue = byte.MaxValue,
    };

    public static readonly ConntrackField OrigSrc = AddressField("orig_src", "src", "original source address", static (in r) => ref r.Original.Source);
    public static readonly ConntrackField OrigDst = AddressField("orig_dst", "dst", "original destination address", static (in r) => ref r.Original.Destination);
    public static readonly ConntrackField OrigPortSrc = PortField("orig_port_src", "sport", "original source port", static (in r, in _) => r.Original.SourcePort);
    public static readonly ConntrackField OrigPortDst = PortField("orig_port_dst", "dport", "original destination port", static (in r, in _) => r.Original.DestinationPort);
    public static readonly ConntrackField ReplSrc = AddressField("repl_src", "reply_src", "reply source address (what the original was NATed to)", static (in r) => ref r.Reply.Source);
    public static readonly ConntrackField ReplDst = AddressField("repl_dst", "reply_dst", "reply destination address", static (in r) => ref r.Reply.Destination);

    public static readonly ConntrackField State = new()
    {
        Name = "state", Description = "protocol state (TCP, SCTP, DCCP); none for UDP, ICMP, ...",
        Type = FieldType.State, Output = FieldOutput.TextOrMissing,
        Number = static (in r, in _) => StateOrder.Of(r), Text = static (in r) => ConntrackNames.StateUtf8(r),
    };

    public static readonly ConntrackField Status = new()
    {
        Name = "status", Description = "status flags (IPS_*): all given flags must be set",
        Type = FieldType.Status, Output = FieldOutput.StatusFlags, Number = static (in r, in _) => r.Status,
    };

    public static readonly ConntrackField Mark = new()
    {
        Name = "mark", Description = "connection mark; VALUE/MASK compares mark AND MASK",
        Type = FieldType.Mark, Output = FieldOutput.Word32, Number = static (in r, in _) => r.Mark,
        ValueHelp = "a mark: VALUE or VALUE/MASK, each 0-4294967295 or 0x hex",

        // A dump always carries CTA_MARK; an event only when the mark is set or changed, and one
        // without it matches no mark filter, as in conntrack -E.
        Presence = static (in r, in _) => r.Has(RecordFields.Mark),
    };

    public static readonly ConntrackField Zone = new()
    {
        Name = "zone", Description = "conntrack zone (0 when the entry has none)", Type = FieldType.Number, Output = FieldOutput.Number,
        Number = static (in r, in _) => r.Zone, MaxValue = ushort.MaxValue, ValueHelp = "a zone (0-65535)",
    };

    public static readonly ConntrackField Rate = RateField("rate", "bytes per second, both directions", static (in _, in rates) => rates.Total);

    private static readonly ConntrackField[] s_all =
    [
        Id,
        Family,
        Protocol,
        new()
        {
            Name = "orig_l3proto", Description = "address family as a number (2 or 10), as the original API gives it",
            Type = FieldType.Family, Output = FieldOutput.Number, Number = static (in r, in _) => r.Family, MaxValue = byte.MaxValue,
        },
        new()
        {
            Name = "orig_l4proto", Description = "layer-4 protocol as a number, as the original API gives it",
            Type = FieldType.Protocol, Output = FieldOutput.Number, Number = static (in r, in _) => r.Protocol, MaxValue = byte.MaxValue,
        },
        OrigSrc,
        OrigDst,
        OrigPortSrc,
        OrigPortDst,
        ReplSrc,
        ReplDst,
        PortField("repl_port_src", null, "reply source port", static (in r, in _) => r.Reply.SourcePort),
        PortField("repl_port_dst", null, "reply destination port", static (in r, in _) => r.Reply.DestinationPort),
        IPv4IntegerField("orig_ipv4_src", "original IPv4 source as PHP's ip2long integer (the original API's)", static (in r) => ref r.Original.Source),
        IPv4IntegerField("orig_ipv4_dst", "original IPv4 destination as PHP's ip2long integer", static (in r) => ref r.Original.Destination),
        IcmpField("icmp_type", "ICMP type", static (in r, in _) => r.Original.IcmpType),
        IcmpField("icmp_code", "ICMP code", static (in r, in _) => r.Original.IcmpCode),
        IcmpField("icmp_id", "ICMP id", static (in r, in _) => r.Original.IcmpId),
        State,
        Status,
        Mark,
        new()
        {
            Name = "secmark", Description = "security mark (where the kernel sends one)", Type = FieldType.Number, Output = FieldOutput.Word32,
            Number = static (in r, in _) => r.Secmark, Presence = static (in r, in _) => r.Has(RecordFields.Secmark),
        },
        Zone,
        new()
        {
            Name = "orig_zone", Description = "zone of the original direction (directional zones only)", Type = FieldType.Number, Output = FieldOutput.Number,
            Number = static (in r, in _) => r.Original.Zone, Presence = static (in r, in _) => r.Has(RecordFields.OrigZone), MaxValue = ushort.MaxValue,
        },
        new()
        {
            Name = "repl_zone", Description = "zone of the reply direction (directional zones only)", Type = FieldType.Number, Output = FieldOutput.Number,
            Number = static (in r, in _) => r.Reply.Zone, Presence = static (in r, in _) => r.Has(RecordFields.ReplyZone), MaxValue = ushort.MaxValue,
        },
        new()
        {
            Name = "timeout", Description = "seconds until the entry expires", Type = FieldType.Number, Output = FieldOutput.Number,
            Number = static (in r, in _) => r.Timeout,
        },
        new()
        {
            Name = "use", Description = "the kernel's reference count", Type = FieldType.Number, Output = FieldOutput.Number,
            Number = static (in r, in _) => r.Use,
        },
        CounterField("orig_packets", "packets, original direction", RecordFields.OrigCounters, static (in r, in _) => r.OriginalCounters.Packets),
        CounterField("orig_bytes", "bytes, original direction", RecordFields.OrigCounters, static (in r, in _) => r.OriginalCounters.Bytes),
        CounterField("repl_packets", "packets, reply direction", RecordFields.ReplyCounters, static (in r, in _) => r.ReplyCounters.Packets),
        CounterField("repl_bytes", "bytes, reply direction", RecordFields.ReplyCounters, static (in r, in _) => r.ReplyCounters.Bytes),
        CounterField("packets", "packets, both directions added (a key, not written)", RecordFields.OrigCounters, static (in r, in _) => r.TotalPackets, FieldOutput.None),
        CounterField("bytes", "bytes, both directions added (a key, not written)", RecordFields.OrigCounters, static (in r, in _) => r.TotalBytes, FieldOutput.None),
        RateField("orig_rate", "bytes per second, original direction", static (in _, in rates) => rates.Original),
        RateField("repl_rate", "bytes per second, reply direction", static (in _, in rates) => rates.Reply),
        Rate,
        new()
        {
            Name = "start", Description = "when the entry was created, seconds since the epoch (nf_conntrack_timestamp=1)",
            Type = FieldType.Number, Output = FieldOutput.Count, MaxValue = ulong.MaxValue,
            Number = static (in r, in _) => r.StartNanoseconds / 1_000_000_000, Presence = static (in r, in _) => r.Has(RecordFields.TimestampStart),
        },
        new()
        {
            Name = "helper", Description = "the connection tracking helper (ftp, sip, ...)", Type = FieldType.Opaque, Output = FieldOutput.Text,
            Text = static (in r) => r.HelperName, Presence = static (in r, in _) => r.Has(RecordFields.Helper),
        },
        new()
        {
            Name = "labels", Description = "connection label bits that are set (connlabel)", Type = FieldType.Opaque, Output = FieldOutput.Labels,
            Presence = static (in r, in _) => r.Has(RecordFields.Labels),
        },
    ];

    private static readonly ConntrackField[] s_written = s_all.Where(static f => f.Output != FieldOutput.None).ToArray();

    public static IReadOnlyList<ConntrackField> All => s_all;

    /// <summary>The fields JSON and XML-RPC write, in order.</summary>
    public static ReadOnlySpan<ConntrackField> Written => s_written;

    /// <summary>The field named <paramref name="name"/> or one of its aliases (case and - vs _ ignored); null if none.</summary>
    public static ConntrackField? Find(string name)
    {
        string key = name.Trim().ToLowerInvariant().Replace('-', '_');
        foreach (ConntrackField field in s_all)
        {
            if (field.Name == key || field.Aliases.Contains(key))
            {
                return field;
            }
        }

        return null;
    }

    /// <summary>
    /// The written fields named in <paramref name="names"/> (aliases too), in the catalog's order, for
    /// outputs that ask for some fields only; null with the unknown name in <paramref name="unknown"/>.
    /// </summary>
    public static ConntrackField[]? ParseWritten(IEnumerable<string> names, out string? unknown)
    {
        var wanted = new HashSet<ConntrackField>();
        foreach (string name in names)
        {
            if (Find(name) is not { Output: not FieldOutput.None } field)
            {
                unknown = name;
                return null;
            }

            wanted.Add(field);
        }

        unknown = null;
        return s_written.Where(wanted.Contains).ToArray();
    }

    /// <summary>The names of the fields rows carry, for error messages and help.</summary>
    public static string WrittenNames() => string.Join(", ", s_written.Select(static f => f.Name));

    /// <summary>The names a user may give where ordering or filtering is asked for, for error messages and help.</summary>
    public static string SortableNames(bool withRates) =>
        string.Join(", ", s_all.Where(f => f.Sortable && (withRates || !f.NeedsRates)).Select(static f => f.Name));

    /// <summary>PHP's ip2long: the IPv4 address as a host-order integer.</summary>
    public static ulong Ip2Long(in AddressBytes address) => BinaryPrimitives.ReadUInt32BigEndian(address);

    private static ConntrackField AddressField(string name, string alias, string description, AddressReader address) => new()
    {
        Name = name, Aliases = [alias], Description = description, Type = FieldType.Address, Output = FieldOutput.Address, Address = address,
    };

    private static ConntrackField IPv4IntegerField(string name, string description, AddressReader address) => new()
    {
        Name = name, Description = description, Type = FieldType.IPv4Integer, Output = FieldOutput.Word32, Address = address,
        Number = (in r, in _) => Ip2Long(address(r)), Presence = static (in r, in _) => r.Family == AddressFamilies.Inet,
    };

    private static ConntrackField PortField(string name, string? alias, string description, NumberReader number) => new()
    {
        Name = name, Aliases = alias is null ? [] : [alias], Description = description, Type = FieldType.Number, Output = FieldOutput.Number,
        Number = number, MaxValue = ushort.MaxValue, IsPort = true, ValueHelp = "a port number (0-65535)",
        Presence = static (in r, in _) => IpProtocols.HasPorts(r.Protocol) && r.Has(RecordFields.Ports),
    };

    private static ConntrackField IcmpField(string name, string description, NumberReader number) => new()
    {
        Name = name, Description = description, Type = FieldType.Number, Output = FieldOutput.Number,
        Number = number, MaxValue = ushort.MaxValue, Presence = static (in r, in _) => IpProtocols.IsIcmp(r.Protocol),
    };

    private static ConntrackField CounterField(
        string name, string description, RecordFields flag, NumberReader number, FieldOutput output = FieldOutput.Count) => new()
        {
            Name = name, Description = description, Type = FieldType.Number, Output = output,
            Number = number, MaxValue = ulong.MaxValue, Presence = (in r, in _) => r.Has(flag),
        };

    private static ConntrackField RateField(string name, string description, NumberReader number) => new()
    {
        Name = name, Description = description + " (serve only: needs two reads of the table)", Type = FieldType.Number,
        Output = FieldOutput.Count, Number = number, MaxValue = ulong.MaxValue, NeedsRates = true,
    };
}
