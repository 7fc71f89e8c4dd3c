using System.Buffers.Text;
using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>
/// `-o table`, the default: one line per connection in 80 columns, fixed widths so it can stream.
/// A long IPv6 endpoint pushes the rest of its line right rather than being cut.
/// </summary>
internal sealed class TableWriter(OutputBuffer output, bool header) : IRecordWriter
{
    private const int IdWidth = 10;
    private const int ProtoWidth = 7; // "udplite"
    private const int StateWidth = 11;
    private const int EndpointWidth = 21;
    private const int BytesWidth = 5; // HumanBytes never exceeds "1023K"
    private const int MaxEndpointLength = AddressText.MaxLength + 8; // "[" addr "]:" port

    public void Begin()
    {
        if (header)
        {
            output.Write("ID         PROTO   STATE       SOURCE                DESTINATION           BYTES\n"u8);
        }
    }

    public void Write(in ConntrackRecord record)
    {
        Span<byte> scratch = stackalloc byte[MaxEndpointLength];
        Utf8Formatter.TryFormat(record.Id, scratch, out int idLength);
        output.WritePadded(scratch[..idLength], IdWidth);
        output.Write((byte)' ');
        output.WritePadded(ConntrackNames.ProtocolUtf8(record.Protocol), ProtoWidth);
        output.Write((byte)' ');
        output.WritePadded(StateColumn(record), StateWidth);
        output.Write((byte)' ');

        int length = FormatEndpoint(record, record.Original.Source, record.Original.SourcePort, scratch);
        output.WritePadded(scratch[..length], EndpointWidth);
        output.Write((byte)' ');
        length = FormatEndpoint(record, record.Original.Destination, record.Original.DestinationPort, scratch);
        output.WritePadded(scratch[..length], EndpointWidth);
        output.Write((byte)' ');

        length = record.Has(RecordFields.OrigCounters) ? HumanBytes.Format(record.TotalBytes, scratch) : 0;
        output.WriteRightAligned(length > 0 ? scratch[..length] : "-"u8, BytesWidth);
        output.Write((byte)'\n');
        output.EndEntry();
    }

    public void End()
    {
    }

    /// <summary>The protocol state where there is one; otherwise what the status says about replies.</summary>
    private static ReadOnlySpan<byte> StateColumn(in ConntrackRecord record)
    {
        ReadOnlySpan<byte> state = ConntrackNames.StateUtf8(record);
        if (!state.IsEmpty)
        {
            return state;
        }

        if ((record.Status & ConntrackStatus.SeenReply) == 0)
        {
            return "UNREPLIED"u8;
        }

        return (record.Status & ConntrackStatus.Assured) != 0 ? "ASSURED"u8 : "REPLIED"u8;
    }

    /// <summary>"1.2.3.4:80", "[fd00::1]:443", or a bare address for protocols without ports.</summary>
    private static int FormatEndpoint(in ConntrackRecord record, in AddressBytes address, ushort port, Span<byte> destination)
    {
        bool withPort = IpProtocols.HasPorts(record.Protocol);
        bool bracket = withPort && record.IsIPv6;
        int length = 0;
        if (bracket)
        {
            destination[length++] = (byte)'[';
        }

        length += AddressText.Format(record.Family, address, destination[length..]);
        if (bracket)
        {
            destination[length++] = (byte)']';
        }

        if (withPort)
        {
            destination[length++] = (byte)':';
            Utf8Formatter.TryFormat(port, destination[length..], out int written);
            length += written;
        }

        return length;
    }
}

/// <summary>Byte counts the way `ls -h` shows them: 999, 1.2K, 12K, 3.4M (powers of 1024).</summary>
internal static class HumanBytes
{
    public static int Format(ulong bytes, Span<byte> destination)
    {
        if (bytes < 1024)
        {
            Utf8Formatter.TryFormat(bytes, destination, out int plain);
            return plain;
        }

        ReadOnlySpan<byte> units = "KMGTPE"u8;
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        // One decimal below 10, like ls -h; rounding up to 10.0 shows as "10".
        double rounded = Math.Round(value, 1, MidpointRounding.AwayFromZero);
        int written;
        if (rounded < 10)
        {
            Utf8Formatter.TryFormat((decimal)rounded, destination, out written, new System.Buffers.StandardFormat('F', 1));
        }
        else
        {
            Utf8Formatter.TryFormat((ulong)Math.Round(value, MidpointRounding.AwayFromZero), destination, out written);
        }

        destination[written] = units[unit];
        return written + 1;
    }
}
