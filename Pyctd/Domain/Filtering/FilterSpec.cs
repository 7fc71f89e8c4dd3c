using Pyctd.Conntrack;
using Pyctd.Domain.Fields;

namespace Pyctd.Domain.Filtering;

/// <summary>
/// What to select, as the user said it: field keys, each with the values it may take (any of them),
/// all keys together. Built from `list`/`kill`/`mark`/`timeout` options or from view()'s filters
/// struct through the same <see cref="FieldValues"/>, then compiled once into the kernel's part and
/// the per-entry predicate.
/// </summary>
internal sealed class FilterSpec
{
    /// <summary>Values one key may list: enough for any block list, small enough that no request can make matching slow.</summary>
    public const int MaxValuesPerKey = 65_536;

    private readonly List<FilterKey> _keys = [];

    public IReadOnlyList<FilterKey> Keys => _keys;

    public bool IsEmpty => _keys.Count == 0;

    public FilterSpec Add(ConntrackField field, params IReadOnlyList<FilterTerm> anyOf)
    {
        if (!field.Filterable)
        {
            throw new FilterException($"'{field.Name}' cannot be filtered");
        }

        if (anyOf.Count == 0)
        {
            throw new FilterException($"{field.Name}: an empty list of values matches nothing; leave the key out instead");
        }

        EnsureFewEnough(field, anyOf.Count);

        _keys.Add(new FilterKey(field, [.. anyOf]));
        return this;
    }

    /// <summary>Refuses a key with more values than <see cref="MaxValuesPerKey"/>; callers may check before parsing them.</summary>
    public static void EnsureFewEnough(ConntrackField field, int count)
    {
        if (count > MaxValuesPerKey)
        {
            throw new FilterException($"{field.Name}: {count} values, at most {MaxValuesPerKey}");
        }
    }

    /// <summary>The single value of a key given once with one value; null otherwise.</summary>
    public FilterTerm? Single(ConntrackField field)
    {
        FilterTerm? found = null;
        foreach (FilterKey key in _keys)
        {
            if (key.Field == field)
            {
                if (found is not null || key.AnyOf.Length != 1)
                {
                    return null;
                }

                found = key.AnyOf[0];
            }
        }

        return found;
    }

    /// <summary>
    /// Why no entry could ever match, when the keys say so plainly: families that disagree, ports or a
    /// state for a protocol that has none. The CLI refuses such a filter (exit 2), since a typo there
    /// would otherwise pass as "nothing matched"; view() simply matches nothing.
    /// <paramref name="nameOf"/> names a key as the user wrote it (an option, or a filters member).
    /// </summary>
    public string? FindContradiction(Func<ConntrackField, string> nameOf)
    {
        byte family = Single(FieldCatalog.Family) is { } f ? (byte)f.Value : AddressFamilies.Unspecified;
        string? familyFrom = family == AddressFamilies.Unspecified ? null : nameOf(FieldCatalog.Family);
        foreach (FilterKey key in _keys)
        {
            if (key.Field.Type is not (FieldType.Address or FieldType.IPv4Integer) || key.AnyOf.Length != 1)
            {
                continue;
            }

            byte given = key.AnyOf[0].Prefix!.Value.Family;
            if (familyFrom is not null && given != family)
            {
                return familyFrom == nameOf(FieldCatalog.Family)
                    ? $"{nameOf(key.Field)} is an {FamilyText(given)} address but the family is {FamilyText(family)}"
                    : $"{nameOf(key.Field)} is an {FamilyText(given)} address but {familyFrom} is {FamilyText(family)}";
            }

            family = given;
            familyFrom ??= nameOf(key.Field);
        }

        if (Single(FieldCatalog.Protocol) is not { } protocolTerm)
        {
            return null;
        }

        byte protocol = (byte)protocolTerm.Value;
        string protocolName = System.Text.Encoding.ASCII.GetString(ConntrackNames.ProtocolUtf8(protocol));
        foreach (FilterKey key in _keys)
        {
            if (key.Field.IsPort && !IpProtocols.HasPorts(protocol))
            {
                return $"{nameOf(key.Field)} needs a protocol with ports, not {protocolName}";
            }

            IReadOnlyList<string>? known = StateOrder.StatesOf(protocol);
            if (key.Field == FieldCatalog.State && key.AnyOf.All(term => known?.Contains(StateOrder.Names[(int)term.Value - 1]) != true))
            {
                string states = string.Join("|", key.AnyOf.Select(static term => StateOrder.Names[(int)term.Value - 1]));
                string prefix = $"{nameOf(key.Field)} {states} never matches {nameOf(FieldCatalog.Protocol)} {protocolName}";
                return known is null
                    ? $"{prefix}: {protocolName} entries have no state ({nameOf(FieldCatalog.Status)} ASSURED or SEEN_REPLY select them by replies)"
                    : $"{prefix}: {protocolName} states are {string.Join(", ", known.Skip(1))}";
            }
        }

        return null;
    }

    public CompiledFilter Compile(bool ratesAvailable)
    {
        var conditions = new List<FieldCondition>(_keys.Count);
        foreach (FilterKey key in _keys)
        {
            if (key.Field.NeedsRates && !ratesAvailable)
            {
                throw new FilterException($"{key.Field.Name}: rates need two reads of the table; serve has them, a single listing does not");
            }

            conditions.Add(key.Field.Type is FieldType.Address or FieldType.IPv4Integer
                ? new AddressCondition(key.Field, key.AnyOf)
                : new NumberCondition(key.Field, key.AnyOf));
        }

        return new CompiledFilter([.. conditions], KernelPlan.For(this));
    }

    private static string FamilyText(byte family) => family == AddressFamilies.Inet6 ? "IPv6" : "IPv4";
}

/// <summary>One key of a filter: the entry matches when its field matches any of the terms.</summary>
internal sealed record FilterKey(ConntrackField Field, FilterTerm[] AnyOf);
