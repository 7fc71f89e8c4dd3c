using Pyctd.Conntrack;

namespace Pyctd.Domain.Filtering;

/// <summary>
/// A <see cref="FilterSpec"/> ready to run: the per-entry predicate (every key must match, and an
/// entry matches a key only if it carries the field) and the dump requests that let the kernel drop
/// what it can before it sends anything. Matching allocates nothing.
/// </summary>
internal sealed class CompiledFilter
{
    private readonly FieldCondition[] _conditions;

    public CompiledFilter(FieldCondition[] conditions, IReadOnlyList<DumpQuery> kernelQueries)
    {
        _conditions = conditions;
        KernelQueries = kernelQueries;
    }

    public static CompiledFilter All { get; } = new([], [KernelPlan.Everything]);

    /// <summary>One request per family where CTA_FILTER needs a concrete family; the entries of all of them, together.</summary>
    public IReadOnlyList<DumpQuery> KernelQueries { get; }

    public bool IsEmpty => _conditions.Length == 0;

    public bool Matches(in ConntrackRecord record, in Rates rates)
    {
        foreach (FieldCondition condition in _conditions)
        {
            if (!condition.Matches(record, rates))
            {
                return false;
            }
        }

        return true;
    }
}
