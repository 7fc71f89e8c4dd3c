using System.Buffers.Text;
using Pyctd.Domain.Query;

namespace Pyctd.Output;

/// <summary>
/// One frame of `pyctd top`: the ranked groups as a table (KEY, CONNS, PACKETS, BYTES and the
/// three rates), as one JSON array, or as one JSON object per line, through the same row writer
/// as group()'s XML-RPC rows.
/// </summary>
internal static class GroupFrameWriter
{
    public const string Header = "CONNS    PACKETS    BYTES  ORIG/s  REPL/s  RATE/s";

    private const int MinKeyWidth = 15;

    /// <summary>The table's header and rows, each cut to <paramref name="width"/> columns (0: not cut).</summary>
    public static void Table(OutputBuffer output, GroupAccumulator groups, ReadOnlySpan<int> ranked, bool header, int width = 0, bool clearLines = false)
    {
        Span<byte> text = stackalloc byte[GroupKey.MaxTextLength];
        int keyWidth = MinKeyWidth;
        foreach (int index in ranked)
        {
            keyWidth = Math.Max(keyWidth, groups.Key.Format(groups.Keys[index], text));
        }

        Span<byte> line = stackalloc byte[keyWidth + 128]; // six numbers of at most 20 digits, each after a space
        if (header)
        {
            int length = Pad("KEY"u8, keyWidth, line);
            line[length++] = (byte)' ';
            length += System.Text.Encoding.ASCII.GetBytes(Header, line[length..]);
            WriteLine(output, line[..length], width, clearLines);
        }

        foreach (int index in ranked)
        {
            ref readonly GroupTotals totals = ref groups.Totals[index];
            int length = Pad(text[..groups.Key.Format(groups.Keys[index], text)], keyWidth, line);
            length += Column(totals.Connections, 6, line[length..], human: false);
            length += Column(totals.Packets, 11, line[length..], human: false);
            length += Column(totals.Bytes, 9, line[length..], human: true);
            length += Column(totals.OriginalRate, 8, line[length..], human: true);
            length += Column(totals.ReplyRate, 8, line[length..], human: true);
            length += Column(totals.Rate, 8, line[length..], human: true);
            WriteLine(output, line[..length], width, clearLines);
        }
    }

    /// <summary>The groups as JSON: one array (<paramref name="lines"/> false) or one object per line, framed as `list -o json` is.</summary>
    public static void Json(OutputBuffer output, GroupAccumulator groups, ReadOnlySpan<int> ranked, bool lines)
    {
        var json = new JsonWriter(output, lines);
        json.Begin();
        foreach (int index in ranked)
        {
            json.Write(groups.Key, groups.Keys[index], groups.Totals[index]);
        }

        json.End();
    }

    private static void WriteLine(OutputBuffer output, ReadOnlySpan<byte> line, int width, bool clearLines)
    {
        output.Write(width > 0 && line.Length > width ? line[..width] : line);
        if (clearLines)
        {
            output.Write("\u001b[K"u8); // erase what the previous frame left to the right
        }

        output.Write((byte)'\n');
    }

    private static int Pad(ReadOnlySpan<byte> text, int width, Span<byte> destination)
    {
        text.CopyTo(destination);
        destination[text.Length..width].Fill((byte)' ');
        return width;
    }

    /// <summary>A space, then <paramref name="value"/> right-aligned so the column ends at <paramref name="width"/>.</summary>
    private static int Column(ulong value, int width, Span<byte> destination, bool human)
    {
        Span<byte> number = stackalloc byte[24];
        int length;
        if (human)
        {
            length = HumanBytes.Format(value, number);
        }
        else
        {
            Utf8Formatter.TryFormat(value, number, out length);
        }

        int pad = Math.Max(1, width - length);
        destination[..pad].Fill((byte)' ');
        number[..length].CopyTo(destination[pad..]);
        return pad + length;
    }
}
