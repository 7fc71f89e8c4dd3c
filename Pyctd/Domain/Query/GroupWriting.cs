using Pyctd.Domain.Fields;

namespace Pyctd.Domain.Query;

/// <summary>
/// One group as a row, through any <see cref="IFieldWriter"/> (XML-RPC struct, JSON object), so
/// its numbers are written exactly as view()'s and list's numbers are:
/// {key, connections, packets, bytes, orig_rate, repl_rate, rate}.
/// </summary>
internal static class GroupWriting
{
    public static void WriteRow<TWriter>(ref TWriter writer, GroupKey key, in GroupValue value, in GroupTotals totals)
        where TWriter : IFieldWriter, allows ref struct
    {
        key.WriteKey(ref writer, "key"u8, value);
        writer.Number("connections"u8, totals.Connections);
        writer.Count("packets"u8, totals.Packets);
        writer.Count("bytes"u8, totals.Bytes);
        writer.Count("orig_rate"u8, totals.OriginalRate);
        writer.Count("repl_rate"u8, totals.ReplyRate);
        writer.Count("rate"u8, totals.Rate);
    }
}
