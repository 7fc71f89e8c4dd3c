using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Fields;
using Pyctd.Serve.Snapshots;

namespace Pyctd.Serve.Api;

/// <summary>
/// The members of one connection struct of view(): the field catalog's, as JSON has them. The
/// XML-RPC writer makes the id a string (ids are u32, XML-RPC ints signed 32-bit) and a missing
/// state "" (XML-RPC has no null that every client reads).
/// </summary>
internal static class ConnectionWriter
{
    /// <summary>
    /// Writes the members only, <paramref name="fields"/> of them (all, or those view()'s 7th parameter
    /// named): the caller opens and closes the row. Generic, so a ref struct writer works and a
    /// class writer costs no boxing.
    /// </summary>
    public static void Write<TWriter>(ref TWriter writer, Snapshot snapshot, int index, ReadOnlySpan<ConntrackField> fields)
        where TWriter : IFieldWriter, allows ref struct
    {
        snapshot.TryRead(index, out ConntrackRecord record, out Rates rates);
        FieldWriting.WriteFields(ref writer, record, rates, fields);
    }
}
