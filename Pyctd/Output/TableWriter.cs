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
    private const int MaxUnit = 5; // "KMGTPE"[5] = E: 2^64 bytes is 16E

    public static int Format(ulong bytes, Span<byte> destination)
    {
        if (bytes < 1024)
        {
            Utf8Formatter.TryFormat(bytes, destination, out int plain);
            return plain;
        }

        int unit = 0;
        while (unit < MaxUnit && bytes >> (10 * (unit + 2)) != 0)
        {
            unit++;
        }

        // Integer arithmetic, rounded half up: a double cannot hold counts above 2^53 exactly, and
        // the unit is chosen after rounding, so 1048575 bytes (1023.999K) reads 1.0M, not "1024K".
        ulong whole = Rounded(bytes, 10 * (unit + 1), 1);
        if (whole >= 1024 && unit < MaxUnit)
        {
            unit++;
        }

        int shift = 10 * (unit + 1);
        ulong tenths = Rounded(bytes, shift, 10);
        int written;
        if (tenths < 100)
        {
            // One decimal below 10, like ls -h; 9.95 and up rounds to 10 and shows as "10".
            Utf8Formatter.TryFormat(tenths / 10, destination, out written);
            destination[written++] = (byte)'.';
            destination[written++] = (byte)('0' + (int)(tenths % 10));
        }
        else
        {
            Utf8Formatter.TryFormat(Rounded(bytes, shift, 1), destination, out written);
        }

        destination[written] = "KMGTPE"u8[unit];
        return written + 1;
    }

    /// <summary>bytes * scale / 2^shift, rounded half up, without overflow.</summary>
    private static ulong Rounded(ulong bytes, int shift, uint scale) =>
        (ulong)((((UInt128)bytes * scale) + (UInt128.One << (shift - 1))) >> shift);
}
