using System.CommandLine;
using Pyctd.Conntrack;
using Pyctd.Filtering;

namespace Pyctd.Cli;

/// <summary>
/// The connection filter shared by list, kill, mark and timeout: same options, same help, same code.
/// Criteria combine (all must hold); meanings follow conntrack(8) where it has the option.
/// </summary>
internal static class FilterOptions
{
    public static readonly Option<byte?> Family = new("--family", "-f")
    {
        Description = "Only this address family: ipv4 or ipv6 (default: both)",
        HelpName = "ipv4|ipv6",
        CustomParser = ValueParsers.Struct<byte>("family", ParseFamily),
    };

    public static readonly Option<byte?> Protocol = new("--proto", "-p")
    {
        Description = "Layer-4 protocol: tcp, udp, udplite, icmp, icmpv6, sctp, dccp, gre, or a number",
        HelpName = "NAME|NUMBER",
        CustomParser = ValueParsers.Struct<byte>("protocol", ParseProtocol),
    };

    public static readonly Option<AddressPrefix?> Source = AddressOption("--src", "-s", "Original source address, or network with /PREFIX");
    public static readonly Option<AddressPrefix?> Destination = AddressOption("--dst", "-d", "Original destination address, or network with /PREFIX");
    public static readonly Option<AddressPrefix?> ReplySource = AddressOption("--reply-src", "-r", "Reply source address (what the original was NATed to), or /PREFIX");
    public static readonly Option<AddressPrefix?> ReplyDestination = AddressOption("--reply-dst", "-q", "Reply destination address, or /PREFIX");

    public static readonly Option<ushort?> SourcePort = new("--sport")
    {
        Description = "Original source port (protocols with ports only)",
        HelpName = "PORT",
        CustomParser = ValueParsers.Struct<ushort>("port", ValueParsers.Port),
    };

    public static readonly Option<ushort?> DestinationPort = new("--dport")
    {
        Description = "Original destination port (protocols with ports only)",
        HelpName = "PORT",
        CustomParser = ValueParsers.Struct<ushort>("port", ValueParsers.Port),
    };

    public static readonly Option<MarkSpec?> Mark = new("--mark", "-m")
    {
        Description = "Connection mark: entries whose mark AND MASK equals VALUE (decimal or 0x hex)",
        HelpName = "VALUE[/MASK]",
        CustomParser = ValueParsers.Struct<MarkSpec>("mark", MarkSpec.TryParse),
    };

    public static readonly Option<string?> State = new("--state")
    {
        Description = "Protocol state, e.g. ESTABLISHED, TIME_WAIT, SYN_SENT (TCP), COOKIE_WAIT (SCTP), OPEN (DCCP)",
        HelpName = "NAME",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            string upper = text.ToUpperInvariant();
            if (ConntrackNames.TcpStates.Contains(upper) || ConntrackNames.SctpStates.Contains(upper) || ConntrackNames.DccpStates.Contains(upper))
            {
                return upper;
            }

            result.AddError($"'{text}' is not a connection state (one of: {string.Join(", ", ConntrackNames.TcpStates.Skip(1))}, or an SCTP/DCCP state)");
            return null;
        },
    };

    public static readonly Option<uint?> Status = new("--status")
    {
        Description = $"Status flags that must all be set, comma-separated: {string.Join(",", ConntrackNames.StatusFlags)}",
        HelpName = "FLAG[,FLAG...]",
        CustomParser = ValueParsers.Struct<uint>("status", ParseStatus),
    };

    public static readonly Option<ushort?> Zone = new("--zone", "-w")
    {
        Description = "Conntrack zone (entries without a zone are in zone 0)",
        HelpName = "N",
        CustomParser = ValueParsers.Struct<ushort>("zone", ValueParsers.Zone),
    };

    public static readonly Option<uint?> Id = new("--id")
    {
        Description = "Conntrack id, as `list` shows it (u32)",
        HelpName = "N",
        CustomParser = ValueParsers.Struct<uint>("id", ValueParsers.Id),
    };

    public static IEnumerable<Option> All =>
        [Family, Protocol, Source, Destination, ReplySource, ReplyDestination, SourcePort, DestinationPort, Mark, State, Status, Zone, Id];

    public static void AddTo(Command command)
    {
        foreach (Option option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds the filter and checks that the criteria can hold together; contradictions are usage errors.</summary>
    public static ConnectionFilter Build(ParseResult result)
    {
        byte family = result.GetValue(Family) ?? AddressFamilies.Unspecified;
        byte? protocol = result.GetValue(Protocol);
        AddressPrefix? source = result.GetValue(Source);
        AddressPrefix? destination = result.GetValue(Destination);
        AddressPrefix? replySource = result.GetValue(ReplySource);
        AddressPrefix? replyDestination = result.GetValue(ReplyDestination);

        // Addresses imply a family, and must agree with it and with each other.
        foreach (var (prefix, name) in new[] { (source, "--src"), (destination, "--dst"), (replySource, "--reply-src"), (replyDestination, "--reply-dst") })
        {
            if (prefix is not AddressPrefix given)
            {
                continue;
            }

            if (family != AddressFamilies.Unspecified && given.Family != family)
            {
                throw new PyctdException(ExitCode.Usage, $"{name} is an {Text(given.Family)} address but the family is {Text(family)}");
            }

            family = given.Family;
        }

        ushort? sport = result.GetValue(SourcePort);
        ushort? dport = result.GetValue(DestinationPort);
        if ((sport is not null || dport is not null) && protocol is byte p && !IpProtocols.HasPorts(p))
        {
            throw new PyctdException(ExitCode.Usage, $"--sport/--dport need a protocol with ports, not {System.Text.Encoding.ASCII.GetString(ConntrackNames.ProtocolUtf8(p))}");
        }

        FilterContradictions.CheckState(protocol, result.GetValue(State));
        MarkSpec? mark = result.GetValue(Mark);
        return new ConnectionFilter
        {
            Family = family,
            Protocol = protocol,
            Source = source,
            Destination = destination,
            ReplySource = replySource,
            ReplyDestination = replyDestination,
            SourcePort = sport,
            DestinationPort = dport,
            Mark = mark?.Value,
            MarkMask = mark?.Mask ?? uint.MaxValue,
            State = result.GetValue(State),
            Status = result.GetValue(Status) ?? 0,
            Zone = result.GetValue(Zone),
            Id = result.GetValue(Id),
        };
    }

    private static string Text(byte family) => family == AddressFamilies.Inet6 ? "IPv6" : "IPv4";

    private static Option<AddressPrefix?> AddressOption(string name, string? alias, string description)
    {
        var option = alias is null ? new Option<AddressPrefix?>(name) : new Option<AddressPrefix?>(name, alias);
        option.Description = description;
        option.HelpName = "ADDR[/PREFIX]";
        option.CustomParser = ValueParsers.Struct<AddressPrefix>("address", AddressPrefix.TryParse);
        return option;
    }

    private static bool ParseFamily(string text, out byte family, out string? error)
    {
        error = null;
        family = text.ToLowerInvariant() switch
        {
            "ipv4" or "inet" or "4" => AddressFamilies.Inet,
            "ipv6" or "inet6" or "6" => AddressFamilies.Inet6,
            _ => AddressFamilies.Unspecified,
        };
        if (family != AddressFamilies.Unspecified)
        {
            return true;
        }

        error = $"'{text}' is not a family (ipv4 or ipv6)";
        return false;
    }

    private static bool ParseProtocol(string text, out byte protocol, out string? error)
    {
        error = null;
        if (ConntrackNames.TryParseProtocol(text, out protocol))
        {
            return true;
        }

        error = $"'{text}' is not a protocol (tcp, udp, udplite, icmp, icmpv6, sctp, dccp, gre, or 1-255)";
        return false;
    }

    private static bool ParseStatus(string text, out uint status, out string? error)
    {
        status = 0;
        error = null;
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!ConntrackNames.TryParseStatusFlag(name, out uint bit))
            {
                error = $"'{name}' is not a status flag (one of {string.Join(", ", ConntrackNames.StatusFlags)})";
                return false;
            }

            status |= bit;
        }

        return true;
    }
}

/// <summary>A mark VALUE[/MASK]; without a mask every bit counts.</summary>
internal readonly record struct MarkSpec(uint Value, uint Mask)
{
    public static bool TryParse(string text, out MarkSpec mark, out string? error)
    {
        mark = default;
        error = null;
        int slash = text.IndexOf('/');
        string valueText = slash < 0 ? text : text[..slash];
        uint mask = uint.MaxValue;
        if (!ValueParsers.TryParseUInt32(valueText, out uint value)
            || (slash >= 0 && !ValueParsers.TryParseUInt32(text[(slash + 1)..], out mask)))
        {
            error = $"'{text}' is not a mark: VALUE or VALUE/MASK, each 0-4294967295 or 0x hex";
            return false;
        }

        mark = new MarkSpec(value, mask);
        return true;
    }
}
