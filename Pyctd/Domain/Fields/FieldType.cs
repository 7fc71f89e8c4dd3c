namespace Pyctd.Domain.Fields;

/// <summary>What a field's values are: decides how filter values are parsed and how entries match.</summary>
internal enum FieldType
{
    /// <summary>An unsigned integer compared for equality; decimal or 0x hex.</summary>
    Number,

    /// <summary>The connection mark: VALUE or VALUE/MASK, matching when mark AND MASK equals VALUE.</summary>
    Mark,

    /// <summary>Status flags by name (ASSURED,SEEN_REPLY) or as a bit mask: all given bits must be set.</summary>
    Status,

    /// <summary>A layer-4 protocol by name or number.</summary>
    Protocol,

    /// <summary>An address family: ipv4, ipv6, inet, inet6, 4, 6, 2 or 10.</summary>
    Family,

    /// <summary>A protocol state name; TCP's and SCTP's ESTABLISHED are the same name.</summary>
    State,

    /// <summary>An address or ADDR/PREFIX.</summary>
    Address,

    /// <summary>An IPv4 address, also given as PHP's ip2long integer (the original API's orig_ipv4_src).</summary>
    IPv4Integer,

    /// <summary>Neither filterable nor sortable: written only (helper, labels).</summary>
    Opaque,
}

/// <summary>How the structured outputs (JSON, XML-RPC) write a field.</summary>
internal enum FieldOutput
{
    /// <summary>Not written: a key to filter or sort by only (bytes = both directions added).</summary>
    None,

    /// <summary>A small count or code that always fits a signed 32-bit integer (ports, protocols, zones, timeout).</summary>
    Number,

    /// <summary>A 32-bit word whose bits are its meaning (mark, secmark, an IPv4 address as ip2long gives it).</summary>
    Word32,

    /// <summary>A 64-bit count that grows without bound (bytes, packets, rates, epoch seconds).</summary>
    Count,
    Id,
    Text,

    /// <summary>Text that is written for every row, as <see cref="IFieldWriter.Missing"/> where the row has none.</summary>
    TextOrMissing,
    Address,
    StatusFlags,
    Labels,
}
