using Pyctd.Domain.Fields;
using Pyctd.Domain.Filtering;

namespace Pyctd.Domain.Query;

/// <summary>Order by one field, ties broken by id so equal keys come out in a stable, repeatable order; descending reverses both.</summary>
internal readonly record struct ConnectionOrder(ConntrackField Field, bool Descending)
{
    public static ConnectionOrder ById { get; } = new(FieldCatalog.Id, false);

    /// <summary>The order named <paramref name="name"/> (a catalog field or alias); a <see cref="FilterException"/> names the fields otherwise.</summary>
    public static ConnectionOrder Parse(string name, bool descending, bool ratesAvailable)
    {
        ConntrackField? field = FieldCatalog.Find(name);
        if (field is null || !field.Sortable)
        {
            throw new FilterException($"'{MessageText.Escape(name)}' is not a field to order by (one of: {FieldCatalog.SortableNames(ratesAvailable)})");
        }

        if (field.NeedsRates && !ratesAvailable)
        {
            throw new FilterException($"{field.Name}: rates need two reads of the table; serve has them, a single listing does not");
        }

        return new ConnectionOrder(field, descending);
    }
}
