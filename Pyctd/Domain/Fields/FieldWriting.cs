using Pyctd.Conntrack;

namespace Pyctd.Domain.Fields;

/// <summary>Writes one connection through any <see cref="IFieldWriter"/>, field by field, as the catalog declares them.</summary>
internal static class FieldWriting
{
    public static void WriteFields<TWriter>(ref TWriter writer, in ConntrackRecord record, in Rates rates)
        where TWriter : IFieldWriter, allows ref struct =>
        WriteFields(ref writer, record, rates, FieldCatalog.Written);

    /// <summary>Only <paramref name="fields"/> (written fields of the catalog, e.g. <see cref="FieldCatalog.ParseWritten"/>'s).</summary>
    public static void WriteFields<TWriter>(ref TWriter writer, in ConntrackRecord record, in Rates rates, ReadOnlySpan<ConntrackField> fields)
        where TWriter : IFieldWriter, allows ref struct
    {
        foreach (ConntrackField field in fields)
        {
            if (field.IsPresent(record, rates))
            {
                Write(ref writer, field, record, rates);
            }
        }
    }

    /// <summary>A numeric field's <paramref name="value"/> under <paramref name="name"/>, in the kind its output declares (a group's key too).</summary>
    public static void WriteNumber<TWriter>(ref TWriter writer, scoped ReadOnlySpan<byte> name, ConntrackField field, ulong value)
        where TWriter : IFieldWriter, allows ref struct
    {
        switch (field.Output)
        {
            case FieldOutput.Word32:
                writer.Word32(name, (uint)value);
                break;
            case FieldOutput.Count:
                writer.Count(name, value);
                break;
            case FieldOutput.Id:
                writer.Id(name, (uint)value);
                break;
            default:
                writer.Number(name, value);
                break;
        }
    }

    private static void Write<TWriter>(ref TWriter writer, ConntrackField field, in ConntrackRecord record, in Rates rates)
        where TWriter : IFieldWriter, allows ref struct
    {
        ReadOnlySpan<byte> name = field.Utf8Name;
        switch (field.Output)
        {
            case FieldOutput.Number or FieldOutput.Word32 or FieldOutput.Count or FieldOutput.Id:
                WriteNumber(ref writer, name, field, field.Number!(record, rates));
                break;
            case FieldOutput.Text:
                writer.Text(name, field.Text!(record));
                break;
            case FieldOutput.TextOrMissing:
                ReadOnlySpan<byte> text = field.Text!(record);
                if (text.IsEmpty)
                {
                    writer.Missing(name);
                }
                else
                {
                    writer.Text(name, text);
                }

                break;
            case FieldOutput.Address:
                writer.Address(name, record.Family, field.Address!(record));
                break;
            case FieldOutput.StatusFlags:
                writer.BeginList(name);
                for (int bit = 0; bit < ConntrackNames.StatusFlagCount; bit++)
                {
                    if ((record.Status & (1u << bit)) != 0)
                    {
                        writer.ListText(ConntrackNames.StatusFlagUtf8(bit));
                    }
                }

                writer.EndList();
                break;
            case FieldOutput.Labels:
                writer.BeginList(name);
                ReadOnlySpan<byte> labels = record.Labels;
                for (int bit = 0; bit < labels.Length * 8; bit++)
                {
                    // The kernel's bitmap is an array of host-order longs; on little-endian hosts bit n is byte n/8, bit n%8.
                    if ((labels[bit >> 3] & (1 << (bit & 7))) != 0)
                    {
                        writer.ListNumber((ulong)bit);
                    }
                }

                writer.EndList();
                break;
        }
    }
}
