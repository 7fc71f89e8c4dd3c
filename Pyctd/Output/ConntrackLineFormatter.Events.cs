using System.Buffers.Text;
using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>
/// `pyctd events -o conntrack`: the lines of `conntrack -E`, which prints the `-L` line behind the
/// event type right-aligned in nine columns ("%9s ": "    [NEW] ", " [UPDATE] ", "[DESTROY] "), with
/// `-o timestamp` a "[seconds.microseconds]" and a tab before it ("[%-.8ld.%-.6ld]\t"), and
/// " [USERSPACE] portid=N" after it when a program's request caused the event, and " progname=NAME"
/// when that program was found still running (<see cref="NetlinkPortOwners"/>).
/// </summary>
internal static partial class ConntrackLineFormatter
{
    // "[" + 19 digits + "." + 6 digits + "]\t", "[DESTROY] ", " [USERSPACE] portid=" + 10 digits, " progname=".
    private const int MaxEventExtraLength = 28 + 10 + 30 + 10;

    public static void WriteEvent(OutputBuffer output, in ConntrackEvent conntrackEvent, in ConntrackRecord record, bool timePrefix, long nowSeconds, string? programName = null)
    {
        int nameLength = programName is null ? 0 : System.Text.Encoding.UTF8.GetMaxByteCount(programName.Length);
        Span<byte> line = output.Reserve(MaxLineLength + MaxEventExtraLength + nameLength);
        int length = FormatEvent(conntrackEvent, record, timePrefix, nowSeconds, line, programName);
        output.Advance(length);
        output.Write((byte)'\n');
        output.EndEntry();
    }

    /// <summary>Formats the event's line (no newline) into <paramref name="line"/>; returns its length.</summary>
    public static int FormatEvent(in ConntrackEvent conntrackEvent, in ConntrackRecord record, bool timePrefix, long nowSeconds, Span<byte> line, string? programName = null)
    {
        int length = 0;
        if (timePrefix)
        {
            length += FormatTimePrefix(conntrackEvent.UnixNanoseconds, line);
        }

        ReadOnlySpan<byte> label = conntrackEvent.Type switch
        {
            ConntrackEventType.New => "    [NEW] "u8,
            ConntrackEventType.Update => " [UPDATE] "u8,
            _ => "[DESTROY] "u8,
        };
        label.CopyTo(line[length..]);
        length += label.Length;
        length += Format(record, nowSeconds, line[length..]);
        if (conntrackEvent.PortId != 0)
        {
            " [USERSPACE] portid="u8.CopyTo(line[length..]);
            length += " [USERSPACE] portid="u8.Length;
            Utf8Formatter.TryFormat(conntrackEvent.PortId, line[length..], out int written);
            length += written;
            if (programName is not null)
            {
                " progname="u8.CopyTo(line[length..]);
                length += " progname="u8.Length;
                length += System.Text.Encoding.UTF8.GetBytes(programName, line[length..]);
            }
        }

        return length;
    }

    /// <summary>"[1700000000.012345]\t": at least eight digits of seconds and exactly six of microseconds, zero-padded.</summary>
    private static int FormatTimePrefix(long unixNanoseconds, Span<byte> line)
    {
        long seconds = unixNanoseconds / 1_000_000_000;
        long microseconds = unixNanoseconds % 1_000_000_000 / 1000;
        int length = 0;
        line[length++] = (byte)'[';
        Utf8Formatter.TryFormat(seconds, line[length..], out int written, new System.Buffers.StandardFormat('D', 8));
        length += written;
        line[length++] = (byte)'.';
        Utf8Formatter.TryFormat(microseconds, line[length..], out written, new System.Buffers.StandardFormat('D', 6));
        length += written;
        line[length++] = (byte)']';
        line[length++] = (byte)'\t';
        return length;
    }
}
