using Pyctd.Domain.Filtering;

namespace Pyctd.Domain.Query;

/// <summary>What groups are ranked by.</summary>
internal enum GroupMetric
{
    Connections,
    Packets,
    Bytes,
    OrigRate,
    ReplRate,
    Rate,
}

/// <summary>
/// Ranks groups by one of their totals, ties broken by key so equal totals come out in a stable
/// order; descending (the usual "who has most") reverses the totals, not the tie-break.
/// </summary>
internal readonly record struct GroupOrder(GroupMetric Metric, bool Descending)
{
    public const string Names = "connections, packets, bytes, orig_rate, repl_rate, rate";

    /// <summary>The names as the result members are named.</summary>
    public static GroupMetric Parse(string name) => name.Trim().ToLowerInvariant().Replace('-', '_') switch
    {
        "connections" or "conns" or "count" => GroupMetric.Connections,
        "packets" => GroupMetric.Packets,
        "bytes" => GroupMetric.Bytes,
        "orig_rate" => GroupMetric.OrigRate,
        "repl_rate" => GroupMetric.ReplRate,
        "rate" => GroupMetric.Rate,
        _ => throw new FilterException($"'{MessageText.Escape(name)}' is not a total to order groups by (one of: {Names})"),
    };

    /// <summary>The total's name, as the result members and <see cref="Parse"/> have it.</summary>
    public static string NameOf(GroupMetric metric) => metric switch
    {
        GroupMetric.OrigRate => "orig_rate",
        GroupMetric.ReplRate => "repl_rate",
        _ => metric.ToString().ToLowerInvariant(),
    };

    public static ulong ValueOf(GroupMetric metric, in GroupTotals totals) => metric switch
    {
        GroupMetric.Connections => totals.Connections,
        GroupMetric.Packets => totals.Packets,
        GroupMetric.Bytes => totals.Bytes,
        GroupMetric.OrigRate => totals.OriginalRate,
        GroupMetric.ReplRate => totals.ReplyRate,
        _ => totals.Rate,
    };

    /// <summary>The indexes of the first <paramref name="length"/> groups in this order (0: all).</summary>
    public int[] Rank(GroupAccumulator groups, int length)
    {
        var ranked = new (ulong Value, int Index)[groups.Count];
        ReadOnlySpan<GroupTotals> totals = groups.Totals;
        for (int i = 0; i < ranked.Length; i++)
        {
            ranked[i] = (ValueOf(Metric, totals[i]), i);
        }

        bool descending = Descending;
        ranked.AsSpan().Sort((x, y) =>
        {
            int result = x.Value.CompareTo(y.Value);
            return result != 0 ? (descending ? -result : result) : GroupValue.Compare(groups.Keys[x.Index], groups.Keys[y.Index]);
        });
        int count = length == 0 ? ranked.Length : Math.Min(length, ranked.Length);
        var indexes = new int[count];
        for (int i = 0; i < count; i++)
        {
            indexes[i] = ranked[i].Index;
        }

        return indexes;
    }
}
