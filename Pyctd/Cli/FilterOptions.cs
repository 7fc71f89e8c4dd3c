using System.CommandLine;
using Pyctd.Domain.Fields;
using Pyctd.Domain.Filtering;

namespace Pyctd.Cli;

/// <summary>
/// The connection filter shared by list, kill, mark and timeout: each option is a field of the
/// catalog, its values parsed by the same <see cref="FieldValues"/> as view()'s filters. Options
/// combine (all must hold); an option given twice means either value. Meanings follow conntrack(8)
/// where it has the option.
/// </summary>
internal static class FilterOptions
{
    public static readonly Option<FilterTerm[]> Family = Create(FieldCatalog.Family, "--family", "-f",
        "Only this address family: ipv4 or ipv6 (also inet, inet6, 4, 6, 2, 10; default: both)", "ipv4|ipv6");

    public static readonly Option<FilterTerm[]> Protocol = Create(FieldCatalog.Protocol, "--proto", "-p",
        "Layer-4 protocol: tcp, udp, udplite, icmp, icmpv6, sctp, dccp, gre, or a number", "NAME|NUMBER");

    public static readonly Option<FilterTerm[]> Source = Create(FieldCatalog.OrigSrc, "--src", "-s", "Original source address, or network with /PREFIX", "ADDR[/PREFIX]");
    public static readonly Option<FilterTerm[]> Destination = Create(FieldCatalog.OrigDst, "--dst", "-d", "Original destination address, or network with /PREFIX", "ADDR[/PREFIX]");
    public static readonly Option<FilterTerm[]> ReplySource = Create(FieldCatalog.ReplSrc, "--reply-src", "-r", "Reply source address (what the original was NATed to), or /PREFIX", "ADDR[/PREFIX]");
    public static readonly Option<FilterTerm[]> ReplyDestination = Create(FieldCatalog.ReplDst, "--reply-dst", "-q", "Reply destination address, or /PREFIX", "ADDR[/PREFIX]");
    public static readonly Option<FilterTerm[]> SourcePort = Create(FieldCatalog.OrigPortSrc, "--sport", null, "Original source port (only entries that carry ports match)", "PORT");
    public static readonly Option<FilterTerm[]> DestinationPort = Create(FieldCatalog.OrigPortDst, "--dport", null, "Original destination port (only entries that carry ports match)", "PORT");

    public static readonly Option<FilterTerm[]> Mark = Create(FieldCatalog.Mark, "--mark", "-m",
        "Connection mark: entries whose mark AND MASK equals VALUE (decimal or 0x hex)", "VALUE[/MASK]");

    public static readonly Option<FilterTerm[]> State = Create(FieldCatalog.State, "--state", null,
        "Protocol state, e.g. ESTABLISHED, TIME_WAIT, SYN_SENT (TCP), COOKIE_WAIT (SCTP), OPEN (DCCP)", "NAME");

    public static readonly Option<FilterTerm[]> Status = Create(FieldCatalog.Status, "--status", null,
        $"Status flags that must all be set, comma-separated: {string.Join(",", Conntrack.ConntrackNames.StatusFlags)}", "FLAG[,FLAG...]");

    public static readonly Option<FilterTerm[]> Zone = Create(FieldCatalog.Zone, "--zone", "-w", "Conntrack zone (entries without a zone are in zone 0)", "N");

    public static readonly Option<FilterTerm[]> Id = Create(FieldCatalog.Id, "--id", null, "Conntrack id, as `list` shows it (u32)", "N");

    private static readonly (Option<FilterTerm[]> Option, ConntrackField Field)[] s_options =
    [
        (Family, FieldCatalog.Family), (Protocol, FieldCatalog.Protocol), (Source, FieldCatalog.OrigSrc), (Destination, FieldCatalog.OrigDst),
        (ReplySource, FieldCatalog.ReplSrc), (ReplyDestination, FieldCatalog.ReplDst), (SourcePort, FieldCatalog.OrigPortSrc),
        (DestinationPort, FieldCatalog.OrigPortDst), (Mark, FieldCatalog.Mark), (State, FieldCatalog.State), (Status, FieldCatalog.Status),
        (Zone, FieldCatalog.Zone), (Id, FieldCatalog.Id),
    ];

    public static IEnumerable<Option> All => s_options.Select(static o => (Option)o.Option);

    public static void AddTo(Command command)
    {
        foreach (Option option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The filter the options give; a contradiction (ports for ICMP, an IPv6 address with -f ipv4) is a usage error.</summary>
    public static FilterSpec Build(ParseResult result)
    {
        var spec = new FilterSpec();
        foreach (var (option, field) in s_options)
        {
            if (result.GetValue(option) is { Length: > 0 } terms)
            {
                spec.Add(field, terms);
            }
        }

        return spec.FindContradiction(OptionName) is string contradiction ? throw new PyctdException(ExitCode.Usage, contradiction) : spec;
    }

    /// <summary>How the command line names a field: its option, or the field's own name where there is none.</summary>
    public static string OptionName(ConntrackField field)
    {
        foreach (var (option, optionField) in s_options)
        {
            if (optionField == field)
            {
                return option.Name;
            }
        }

        return field.Name;
    }

    private static Option<FilterTerm[]> Create(ConntrackField field, string name, string? alias, string description, string helpName)
    {
        var option = alias is null ? new Option<FilterTerm[]>(name) : new Option<FilterTerm[]>(name, alias);
        option.Description = $"{description}; repeat for any of several";
        option.HelpName = helpName;
        option.AllowMultipleArgumentsPerToken = false;
        option.CustomParser = result =>
        {
            var terms = new FilterTerm[result.Tokens.Count];
            for (int i = 0; i < terms.Length; i++)
            {
                try
                {
                    terms[i] = FieldValues.Parse(field, result.Tokens[i].Value);
                }
                catch (FilterException bad)
                {
                    result.AddError($"{name}: {bad.Message}");
                    return [];
                }
            }

            return terms;
        };
        return option;
    }
}
