using System.Buffers.Binary;
using System.Globalization;
using Pyctd.Conntrack;
using Pyctd.Domain.Fields;

namespace Pyctd.Domain.Filtering;

/// <summary>
/// Turns what a user gave for a filter key, text (CLI options, XML-RPC strings) or an integer
/// (XML-RPC ints), into a <see cref="FilterTerm"/>. One parser per field type, so `list`, `kill` and
/// `view` accept exactly the same values.
/// </summary>
internal static class FieldValues
{
    public static FilterTerm Parse(ConntrackField field, string text)
    {
        string trimmed = text.Trim();
        if (NumberText.LeadingZeroError(trimmed) is string leadingZero)
        {
            throw new FilterException(leadingZero);
        }

        switch (field.Type)
        {
            case FieldType.Address:
            case FieldType.IPv4Integer:
                return FilterTerm.Within(ParsePrefix(field, trimmed));
            case FieldType.Protocol:
                return ConntrackNames.TryParseProtocol(trimmed, out byte protocol)
                    ? FilterTerm.Equal(protocol)
                    : throw Bad(text, "is not a protocol (tcp, udp, udplite, icmp, icmpv6, sctp, dccp, gre, or 1-255)");
            case FieldType.Family:
                return FilterTerm.Equal(ParseFamily(trimmed) is byte family and not 0 ? family : throw Bad(text, "is not a family (ipv4, ipv6, inet, inet6, 4, 6, 2 or 10)"));
            case FieldType.State:
                ulong rank = StateOrder.Of(trimmed.ToUpperInvariant());
                return rank != 0 ? FilterTerm.Equal(rank) : throw Bad(text, $"is not a connection state (one of {string.Join(", ", StateOrder.Names.Where(static n => n != "NONE"))})");
            case FieldType.Status:
                return FilterTerm.Masked(ParseStatus(trimmed), ParseStatus(trimmed));
            case FieldType.Mark:
                int slash = trimmed.IndexOf('/');
                ulong value = Number(field, slash < 0 ? trimmed : trimmed[..slash], text);
                ulong mask = slash < 0 ? uint.MaxValue : Number(field, trimmed[(slash + 1)..], text);
                return FilterTerm.Masked(value, mask | ~(ulong)uint.MaxValue);
            case FieldType.Number:
                return FilterTerm.Equal(Number(field, trimmed, text));
            default:
                throw new FilterException($"'{field.Name}' cannot be filtered");
        }
    }

    /// <summary>An XML-RPC integer (already widened from a negative i4 where the field is u32).</summary>
    public static FilterTerm FromInteger(ConntrackField field, long value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        if (value < 0)
        {
            throw Bad(text, "is negative; this field has no negative values");
        }

        switch (field.Type)
        {
            case FieldType.Address:
            case FieldType.IPv4Integer:
                return FilterTerm.Within(ParsePrefix(field, text));
            case FieldType.State:
                throw Bad(text, "is not a state name (ESTABLISHED, TIME_WAIT, ...): states are given by name");
            case FieldType.Status:
                return FilterTerm.Masked((ulong)value, (ulong)value);
            case FieldType.Family:
                return Parse(field, text);
            case FieldType.Protocol when value is < 1 or > 255:
                throw Bad(text, "is not a protocol number (1-255)");
            case FieldType.Opaque:
                throw new FilterException($"'{field.Name}' cannot be filtered");
        }

        return (ulong)value <= field.MaxValue ? FilterTerm.Equal((ulong)value) : throw Bad(text, $"is not {field.ValueHelp}");
    }

    /// <summary>0 when the text names no family.</summary>
    public static byte ParseFamily(string text) => text.ToLowerInvariant() switch
    {
        "ipv4" or "inet" or "4" or "2" => AddressFamilies.Inet,
        "ipv6" or "inet6" or "6" or "10" => AddressFamilies.Inet6,
        _ => AddressFamilies.Unspecified,
    };

    private static ulong Number(ConntrackField field, string text, string whole) =>
        NumberText.TryParse(text, field.MaxValue, out ulong value) ? value : throw Bad(whole, $"is not {field.ValueHelp}");

    private static ulong ParseStatus(string text)
    {
        ulong bits = 0;
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!ConntrackNames.TryParseStatusFlag(name, out uint bit))
            {
                throw Bad(name, $"is not a status flag (one of {string.Join(", ", ConntrackNames.StatusFlags)})");
            }

            bits |= bit;
        }

        return bits;
    }

    private static AddressPrefix ParsePrefix(ConntrackField field, string text)
    {
        if (!AddressPrefix.TryParse(WithDottedAddress(text), out AddressPrefix prefix, out string? error))
        {
            throw new FilterException(error!);
        }

        if (field.Type == FieldType.IPv4Integer && prefix.Family != AddressFamilies.Inet)
        {
            throw Bad(text, "is not an IPv4 address, and this field is IPv4 only");
        }

        return prefix;
    }

    /// <summary>
    /// An address given as PHP's ip2long integer, in decimal text ("3232237321", "-1062730039" from
    /// 32-bit PHP, optionally "/PREFIX"), as the dotted IPv4 address it stands for; any other text as
    /// it is. XML-RPC integers come here as their text too, so both spellings select the same.
    /// </summary>
    private static string WithDottedAddress(string text)
    {
        int slash = text.IndexOf('/');
        ReadOnlySpan<char> number = slash < 0 ? text : text.AsSpan(0, slash);
        ReadOnlySpan<char> digits = number.StartsWith('-') ? number[1..] : number;
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return text;
        }

        // A negative i4 (32-bit ip2long) stands for the same 32 bits, as everywhere in the API.
        if (!long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value is < int.MinValue or > uint.MaxValue)
        {
            throw Bad(text, "is not an IPv4 address as an integer (0-4294967295)");
        }

        AddressBytes bytes = default;
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value < 0 ? (uint)(int)value : (uint)value);
        string dotted = new System.Net.IPAddress(((ReadOnlySpan<byte>)bytes)[..4]).ToString();
        return slash < 0 ? dotted : dotted + text[slash..];
    }

    private static FilterException Bad(string text, string problem) =>
        new($"'{MessageText.Escape(text)}' {problem}");
}
