using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>
/// group()'s arguments as the shared engine's terms: the filters struct as view() reads it, a
/// <see cref="GroupKey"/>, a <see cref="GroupOrder"/> and how many groups to return. Every bad
/// argument is a -32602 fault that names it.
/// </summary>
internal sealed record GroupQuery(CompiledFilter Filter, GroupKey Key, GroupOrder Order, int Length)
{
    /// <summary>Groups one call may build: as many as `top --max-groups` allows by default.</summary>
    public const int MaxGroups = GroupAccumulator.DefaultMaxGroups;

    public static GroupQuery Parse(IReadOnlyList<XmlRpcValue> parameters)
    {
        // group(session, filters, key, order_by, order_dir, length); trailing ones may be left out.
        if (parameters.Count > 6)
        {
            throw Arguments.Bad($"group takes at most 6 parameters, got {parameters.Count}");
        }

        XmlRpcValue? filters = parameters.Count > 1 ? parameters[1] : null;
        string keyText = parameters.Count > 2 ? Arguments.String(parameters[2], "key") : "src";
        string orderBy = parameters.Count > 3 ? Arguments.String(parameters[3], "order_by") : "connections";
        bool descending = parameters.Count <= 4 || Arguments.Descending(parameters[4], "order_dir");
        int length = parameters.Count > 5 ? Arguments.NonNegativeInt(parameters[5], "length") : 0;

        GroupKey key = Named("key", () => GroupKey.Parse(keyText));
        GroupMetric metric = Named("order_by", () => GroupOrder.Parse(orderBy));
        CompiledFilter filter;
        try
        {
            filter = ViewQuery.ParseFilters(filters).Compile(ratesAvailable: true);
        }
        catch (FilterException bad)
        {
            throw Arguments.Bad(bad.Message);
        }

        return new GroupQuery(filter, key, new GroupOrder(metric, descending), length);
    }

    private static T Named<T>(string parameter, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FilterException bad)
        {
            throw Arguments.Bad($"{parameter}: {bad.Message}");
        }
    }
}
