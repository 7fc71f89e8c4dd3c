using System.Buffers.Text;
using System.Globalization;
using Pyctd.Conntrack;
using Pyctd.Domain.Fields;
using Pyctd.Domain.Filtering;
using Pyctd.Output;

namespace Pyctd.Domain.Query;

/// <summary>
/// What connections are grouped by: a field of the catalog (src, dst, sport, dport, proto, state,
/// mark, zone, or any other it has), and for addresses a prefix, so `src/24` groups IPv4 sources
/// by /24 network. One prefix applies to both families, capped at each one's width (`src/64`:
/// IPv4 whole, IPv6 by /64); `src/24,64` gives each its own.
/// </summary>
internal sealed class GroupKey
{
    public const string Help = "src, dst, sport, dport, proto, state, mark, zone or another field of pyctd(8) FIELDS; "
        + "addresses take /PREFIX for networks (src/24, dst/64, src/24,64 for IPv4 and IPv6 apart)";

    private static readonly byte[][] s_stateNames = StateOrder.Names.Select(static n => System.Text.Encoding.ASCII.GetBytes(n)).ToArray();

    private GroupKey(ConntrackField field, int ipv4Prefix, int ipv6Prefix, string text)
    {
        Field = field;
        IPv4Prefix = ipv4Prefix;
        IPv6Prefix = ipv6Prefix;
        Text = text;
    }

    public ConntrackField Field { get; }

    public int IPv4Prefix { get; }

    public int IPv6Prefix { get; }

    /// <summary>The key as the user gave it, trimmed (for headers).</summary>
    public string Text { get; }

    /// <summary>An address group whose family's prefix is shorter than its width is a network: written ADDR/PREFIX.</summary>
    public bool IsNetwork(in GroupValue value) =>
        value.Kind == AddressFamilies.Inet6 ? IPv6Prefix < 128 : value.Kind == AddressFamilies.Inet && IPv4Prefix < 32;

    /// <summary>The key <paramref name="text"/> names; a <see cref="FilterException"/> says what is wrong otherwise.</summary>
    public static GroupKey Parse(string text)
    {
        string trimmed = text.Trim();
        int slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        string name = slash < 0 ? trimmed : trimmed[..slash];
        ConntrackField? field = FieldCatalog.Find(name);
        if (field is null || !IsGroupable(field))
        {
            throw new FilterException($"'{MessageText.Escape(text)}' is not a key to group by (one of: {Help})");
        }

        if (slash < 0)
        {
            return new GroupKey(field, 32, 128, trimmed);
        }

        if (field.Type != FieldType.Address)
        {
            throw new FilterException($"'{MessageText.Escape(text)}': only addresses take a /PREFIX, {field.Name} is not one");
        }

        string[] prefixes = trimmed[(slash + 1)..].Split(',');
        if (prefixes.Length > 2 || !TryPrefix(prefixes[0], 128, out int first)
            || (prefixes.Length == 2 && (!TryPrefix(prefixes[1], 128, out int _) || first > 32)))
        {
            throw new FilterException(
                $"'{MessageText.Escape(text)}': bad prefix length (/N with N from 0 to 128, or /V4,V6 with V4 from 0 to 32 and V6 from 0 to 128)");
        }

        return prefixes.Length == 2
            ? new GroupKey(field, first, int.Parse(prefixes[1], CultureInfo.InvariantCulture), trimmed)
            : new GroupKey(field, Math.Min(first, 32), first, trimmed);
    }

    /// <summary>The group <paramref name="record"/> belongs to.</summary>
    public GroupValue ValueOf(in ConntrackRecord record)
    {
        if (!Field.IsPresent(record, Rates.None))
        {
            return GroupValue.Missing;
        }

        return Field.Type == FieldType.Address
            ? GroupValue.Address(record.Family, Field.Address!(record), record.Family == AddressFamilies.Inet6 ? IPv6Prefix : IPv4Prefix)
            : GroupValue.Number(Field.Number!(record, Rates.None));
    }

    /// <summary>Writes the key member the way rows write the field: its names as text, numbers as numbers, none as missing.</summary>
    public void WriteKey<TWriter>(ref TWriter writer, scoped ReadOnlySpan<byte> name, in GroupValue value)
        where TWriter : IFieldWriter, allows ref struct
    {
        if (value.IsMissing || (Field.Type == FieldType.State && value.Low == 0))
        {
            writer.Missing(name); // as rows write a UDP entry's state
            return;
        }

        Span<byte> text = stackalloc byte[MaxTextLength];
        switch (Field.Type)
        {
            case FieldType.Address when !IsNetwork(value):
                writer.Address(name, value.Kind, value.AddressBytes());
                break;
            case FieldType.Address or FieldType.Protocol or FieldType.Family or FieldType.State:
                writer.Text(name, text[..Format(value, text)]);
                break;
            default:
                FieldWriting.WriteNumber(ref writer, name, Field, value.Low);
                break;
        }
    }

    public const int MaxTextLength = AddressText.MaxLength + 4;

    /// <summary>The key as text, for tables: "10.1.2.0/24", "tcp", "ESTABLISHED", "443"; "-" where entries lack the field.</summary>
    public int Format(in GroupValue value, Span<byte> destination)
    {
        if (value.IsMissing)
        {
            destination[0] = (byte)'-';
            return 1;
        }

        ReadOnlySpan<byte> name;
        switch (Field.Type)
        {
            case FieldType.Address:
                int length = AddressText.Format(value.Kind, value.AddressBytes(), destination);
                if (IsNetwork(value))
                {
                    destination[length++] = (byte)'/';
                    Utf8Formatter.TryFormat(value.Kind == AddressFamilies.Inet6 ? IPv6Prefix : IPv4Prefix, destination[length..], out int digits);
                    length += digits;
                }

                return length;
            case FieldType.Protocol when !ConntrackNames.ProtocolUtf8((byte)value.Low).SequenceEqual("unknown"u8): // others by number
                name = ConntrackNames.ProtocolUtf8((byte)value.Low);
                break;
            case FieldType.Family:
                name = ConntrackNames.FamilyUtf8((byte)value.Low);
                break;
            case FieldType.State:
                name = value.Low == 0 ? "-"u8 : s_stateNames[(int)value.Low - 1];
                break;
            default:
                Utf8Formatter.TryFormat(value.Low, destination, out int written);
                return written;
        }

        name.CopyTo(destination);
        return name.Length;
    }

    /// <summary>Fields with one value per entry that a group can be named by; not status flags, rates or written-only fields.</summary>
    private static bool IsGroupable(ConntrackField field) =>
        field.Sortable && !field.NeedsRates && field.Type != FieldType.Status && field.Output != FieldOutput.None;

    private static bool TryPrefix(string text, int max, out int prefix) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) && prefix <= max && NumberText.LeadingZeroError(text) is null;
}
