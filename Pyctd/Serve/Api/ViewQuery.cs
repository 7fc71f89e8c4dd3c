using Pyctd.Domain.Fields;
using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>
/// view()'s arguments as the shared engine's terms: a <see cref="FilterSpec"/> from the filters
/// struct (each member a catalog field, an array meaning any of its values), an order, a page.
/// Every bad argument is a -32602 fault that says which and why.
/// </summary>
internal sealed class ViewQuery
{
    private ViewQuery(CompiledFilter filter, ConnectionOrder order, int start, int length, string selectionKey, ConntrackField[]? fields)
    {
        Fields = fields;
        SelectionKey = selectionKey;
        Filter = filter;
        Order = order;
        Start = start;
        Length = length;
    }

    public CompiledFilter Filter { get; }

    /// <summary>The filter and order in one canonical string: equal for views that select the same rows in the same order.</summary>
    public string SelectionKey { get; }

    public ConnectionOrder Order { get; }

    public int Start { get; }

    /// <summary>0 means every match from <see cref="Start"/> on.</summary>
    public int Length { get; }

    /// <summary>The members of each row: those the 7th parameter names; null for every written field.</summary>
    public ConntrackField[]? Fields { get; }

    public static ViewQuery Parse(IReadOnlyList<XmlRpcValue> parameters)
    {
        // view(session, filters, order_by, order_dir, start, length, fields); trailing ones may be left out.
        if (parameters.Count > 7)
        {
            throw Arguments.Bad($"view takes at most 7 parameters, got {parameters.Count}");
        }

        XmlRpcValue? filters = parameters.Count > 1 ? parameters[1] : null;
        string orderBy = parameters.Count > 2 ? Arguments.String(parameters[2], "order_by") : "id";
        bool descending = parameters.Count > 3 && Arguments.Descending(parameters[3], "order_dir");
        int start = parameters.Count > 4 ? Arguments.NonNegativeInt(parameters[4], "start") : 0;
        int length = parameters.Count > 5 ? Arguments.NonNegativeInt(parameters[5], "length") : 0;
        ConntrackField[]? fields = parameters.Count > 6 ? ParseFields(parameters[6]) : null;

        try
        {
            var order = ConnectionOrder.Parse(orderBy, descending, ratesAvailable: true);
            FilterSpec spec = ParseFilters(filters);
            return new ViewQuery(spec.Compile(ratesAvailable: true), order, start, length, KeyOf(spec, order), fields);
        }
        catch (FilterException bad)
        {
            throw Arguments.Bad(bad.Message);
        }
    }

    /// <summary>
    /// The 7th parameter: an array of field names (aliases too) that limits each row to them, so a
    /// client with a response limit (xmlrpc-c: 512 KiB) can fetch thousands of rows. An empty array,
    /// or "", means every field, as an empty filters value means no filter.
    /// </summary>
    private static ConntrackField[]? ParseFields(XmlRpcValue value)
    {
        if ((value.Kind == XmlRpcKind.String && value.String.Length == 0) || (value.Kind == XmlRpcKind.Array && value.Items.Count == 0))
        {
            return null;
        }

        if (value.Kind != XmlRpcKind.Array)
        {
            throw Arguments.Bad($"fields: expected an array of field names, got {value.Kind.ToString().ToLowerInvariant()}");
        }

        string[] names = value.Items.Select(static (item, i) => Arguments.String(item, $"fields[{i}]")).ToArray();
        return FieldCatalog.ParseWritten(names, out string? unknown)
            ?? throw Arguments.Bad($"fields: '{MessageText.Escape(unknown!)}' is not a field of the rows (one of: {FieldCatalog.WrittenNames()})");
    }

    private static string KeyOf(FilterSpec spec, ConnectionOrder order)
    {
        var key = new System.Text.StringBuilder(order.Field.Name).Append(order.Descending ? " desc" : " asc");
        foreach (FilterKey filter in spec.Keys)
        {
            key.Append(';').Append(filter.Field.Name).Append('=');
            foreach (FilterTerm term in filter.AnyOf)
            {
                key.Append(term.Value).Append('/').Append(term.Mask).Append('/').Append(term.Prefix?.ToString()).Append(',');
            }
        }

        return key.ToString();
    }

    /// <summary>The filters struct; "" and an empty array (what PHP's xmlrpc-epi sends for array()) mean none. group() reads it too.</summary>
    internal static FilterSpec ParseFilters(XmlRpcValue? filters)
    {
        var spec = new FilterSpec();
        if (filters is null || (filters.Kind == XmlRpcKind.String && filters.String.Length == 0)
            || (filters.Kind == XmlRpcKind.Array && filters.Items.Count == 0))
        {
            return spec;
        }

        if (filters.Kind != XmlRpcKind.Struct)
        {
            throw new FilterException($"filters: expected a struct, got {filters.Kind.ToString().ToLowerInvariant()}");
        }

        foreach (var (name, value) in filters.Members)
        {
            ConntrackField field = FieldCatalog.Find(name) is { Filterable: true } found
                ? found
                : throw new FilterException($"filters: '{MessageText.Escape(name)}' is not a field to filter by (one of: {FieldCatalog.SortableNames(withRates: true)})");
            IReadOnlyList<XmlRpcValue> values = value.Kind == XmlRpcKind.Array ? value.Items : [value];
            FilterSpec.EnsureFewEnough(field, values.Count); // before parsing a million values, not after

            var terms = new FilterTerm[values.Count];
            for (int i = 0; i < terms.Length; i++)
            {
                terms[i] = Term(field, values[i]);
            }

            spec.Add(field, terms);
        }

        return spec;
    }

    private static FilterTerm Term(ConntrackField field, XmlRpcValue value)
    {
        try
        {
            return value.Kind switch
            {
                XmlRpcKind.Integer => FieldValues.FromInteger(field, Arguments.Unsigned(value.Integer)),
                XmlRpcKind.String => FieldValues.Parse(field, value.String),
                _ => throw new FilterException($"wants {field.ValueHelp} as an integer or a string, got {value.Kind.ToString().ToLowerInvariant()}"),
            };
        }
        catch (FilterException bad)
        {
            throw new FilterException($"filters: {field.Name}: {bad.Message}");
        }
    }
}
