using Pyctd.Conntrack;
using Pyctd.Domain.Fields;

namespace Pyctd.Domain.Filtering;

/// <summary>One compiled key of a filter.</summary>
internal abstract class FieldCondition(ConntrackField field)
{
    public ConntrackField Field { get; } = field;

    /// <summary>An entry that does not carry the field never matches: `--dport 0` selects no ICMP entry.</summary>
    public bool Matches(in ConntrackRecord record, in Rates rates) => Field.IsPresent(record, rates) && MatchesValue(record, rates);

    protected abstract bool MatchesValue(in ConntrackRecord record, in Rates rates);
}

/// <summary>
/// Numbers, states, protocols, marks and status flags. Exact values are kept sorted and found by
/// binary search, so a key listing thousands of values costs O(log n) per entry; masked terms (marks
/// with a mask, status flags) are compared one by one.
/// </summary>
internal sealed class NumberCondition : FieldCondition
{
    private readonly ulong[] _exact;
    private readonly FilterTerm[] _masked;

    public NumberCondition(ConntrackField field, FilterTerm[] anyOf)
        : base(field)
    {
        _exact = anyOf.Where(static t => t.IsExact).Select(static t => t.Value).Distinct().Order().ToArray();
        _masked = anyOf.Where(static t => !t.IsExact).ToArray();
    }

    protected override bool MatchesValue(in ConntrackRecord record, in Rates rates)
    {
        ulong value = Field.Number!(record, rates);
        if (_exact.Length > 0 && Array.BinarySearch(_exact, value) >= 0)
        {
            return true;
        }

        foreach (FilterTerm term in _masked)
        {
            if ((value & term.Mask) == term.Value)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Addresses against any number of prefixes, through a <see cref="PrefixSet"/>.</summary>
internal sealed class AddressCondition(ConntrackField field, FilterTerm[] anyOf) : FieldCondition(field)
{
    private readonly PrefixSet _prefixes = new(anyOf.Select(static t => t.Prefix!.Value));

    protected override bool MatchesValue(in ConntrackRecord record, in Rates rates) =>
        _prefixes.Contains(record.Family, Field.Address!(record));
}
