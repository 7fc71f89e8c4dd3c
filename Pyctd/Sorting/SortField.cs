namespace Pyctd.Sorting;

/// <summary>Fields `--sort` accepts; their names are the JSON/XML-RPC field names.</summary>
internal enum SortField
{
    Id,
    Family,
    Proto,
    OrigSrc,
    OrigDst,
    OrigPortSrc,
    OrigPortDst,
    ReplSrc,
    ReplDst,
    ReplPortSrc,
    ReplPortDst,
    IcmpType,
    IcmpCode,
    IcmpId,
    State,
    Status,
    Mark,
    Secmark,
    Zone,
    Timeout,
    Use,
    OrigPackets,
    OrigBytes,
    ReplPackets,
    ReplBytes,
    Packets,
    Bytes,
    Start,
}

internal static class SortFields
{
    private static readonly (string Name, SortField Field)[] s_names =
    [
        ("id", SortField.Id), ("family", SortField.Family), ("proto", SortField.Proto),
        ("orig_src", SortField.OrigSrc), ("orig_dst", SortField.OrigDst),
        ("orig_port_src", SortField.OrigPortSrc), ("orig_port_dst", SortField.OrigPortDst),
        ("repl_src", SortField.ReplSrc), ("repl_dst", SortField.ReplDst),
        ("repl_port_src", SortField.ReplPortSrc), ("repl_port_dst", SortField.ReplPortDst),
        ("icmp_type", SortField.IcmpType), ("icmp_code", SortField.IcmpCode), ("icmp_id", SortField.IcmpId),
        ("state", SortField.State), ("status", SortField.Status), ("mark", SortField.Mark),
        ("secmark", SortField.Secmark), ("zone", SortField.Zone), ("timeout", SortField.Timeout), ("use", SortField.Use),
        ("orig_packets", SortField.OrigPackets), ("orig_bytes", SortField.OrigBytes),
        ("repl_packets", SortField.ReplPackets), ("repl_bytes", SortField.ReplBytes),
        ("packets", SortField.Packets), ("bytes", SortField.Bytes), ("start", SortField.Start),
    ];

    // Short spellings conntrack users reach for.
    private static readonly (string Alias, SortField Field)[] s_aliases =
    [
        ("src", SortField.OrigSrc), ("dst", SortField.OrigDst), ("sport", SortField.OrigPortSrc),
        ("dport", SortField.OrigPortDst), ("protocol", SortField.Proto),
    ];

    public static IEnumerable<string> Names => s_names.Select(static entry => entry.Name);

    public static bool TryParse(string text, out SortField field)
    {
        string key = text.Trim().ToLowerInvariant().Replace('-', '_');
        foreach (var (name, value) in s_names)
        {
            if (name == key)
            {
                field = value;
                return true;
            }
        }

        foreach (var (alias, value) in s_aliases)
        {
            if (alias == key)
            {
                field = value;
                return true;
            }
        }

        field = default;
        return false;
    }
}
