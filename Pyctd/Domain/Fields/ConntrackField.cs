using Pyctd.Conntrack;

namespace Pyctd.Domain.Fields;

/// <summary>A field's value as a number: what equality filters compare and what ordering sorts by.</summary>
internal delegate ulong NumberReader(in ConntrackRecord record, in Rates rates);

internal delegate ref readonly AddressBytes AddressReader(in ConntrackRecord record);

internal delegate ReadOnlySpan<byte> TextReader(in ConntrackRecord record);

/// <summary>Whether a record carries the field (ports only for protocols with ports, counters only with accounting).</summary>
internal delegate bool PresenceTest(in ConntrackRecord record, in Rates rates);

/// <summary>
/// One field of a connection, declared once in <see cref="FieldCatalog"/>: its name (the original
/// API's), how it is read from a record, how filter values for it are parsed, how it orders, and how
/// the structured outputs write it. Filters, ordering, JSON and XML-RPC rows all derive from it.
/// </summary>
internal sealed class ConntrackField
{
    private readonly string _name = string.Empty;

    public required string Name
    {
        get => _name;
        init
        {
            _name = value;
            Utf8Name = System.Text.Encoding.ASCII.GetBytes(value);
        }
    }

    public byte[] Utf8Name { get; private init; } = [];

    /// <summary>Other spellings accepted wherever a field is named (src for orig_src, dport for orig_port_dst).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public required string Description { get; init; }

    public required FieldType Type { get; init; }

    public FieldOutput Output { get; init; }

    /// <summary>For every type but addresses: the value filters compare and ordering sorts by.</summary>
    public NumberReader? Number { get; init; }

    public AddressReader? Address { get; init; }

    /// <summary>For <see cref="FieldOutput.Text"/> and <see cref="FieldOutput.TextOrMissing"/>: the text written (empty: missing).</summary>
    public TextReader? Text { get; init; }

    /// <summary>Null: every record carries the field.</summary>
    public PresenceTest? Presence { get; init; }

    /// <summary>The largest value a filter may name (ports and zones are 16-bit).</summary>
    public ulong MaxValue { get; init; } = uint.MaxValue;

    /// <summary>What a valid value is, for error messages: "'70000' is not a port number (0-65535)".</summary>
    public string ValueHelp
    {
        get => _valueHelp ?? $"a number from 0 to {MaxValue} (decimal or 0x hex)";
        init => _valueHelp = value;
    }

    private readonly string? _valueHelp;

    /// <summary>Rates exist only where the table is read twice (serve): elsewhere the field is refused.</summary>
    public bool NeedsRates { get; init; }

    /// <summary>A port of a tuple: only protocols with ports carry it.</summary>
    public bool IsPort { get; init; }

    public bool Filterable => Type != FieldType.Opaque;

    public bool Sortable => Type != FieldType.Opaque;

    public bool IsPresent(in ConntrackRecord record, in Rates rates) =>
        (!NeedsRates || rates.Measured) && (Presence is null || Presence(record, rates));

    public override string ToString() => Name;
}
