using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>
/// What an event's JSON object holds: "event" (NEW, UPDATE, DESTROY) and "time" (when pyctd
/// received it, RFC 3339 UTC with microseconds), the catalog's fields as `list` writes them, and
/// for an ended connection with timestamps (nf_conntrack_timestamp=1) the flow's "end" (seconds
/// since the epoch, like "start") and "duration" (seconds, six decimals).
/// </summary>
internal static class EventFields
{
    private const int MaxTimeLength = 32;

    public static void Write(ref JsonObjectWriter json, in ConntrackEvent conntrackEvent, in ConntrackRecord record)
    {
        json.String("event"u8, Name(conntrackEvent.Type));
        Span<byte> time = stackalloc byte[MaxTimeLength];
        json.String("time"u8, time[..FormatTime(conntrackEvent.UnixNanoseconds, time)]);
        JsonWriter.WriteObject(ref json, record);
        if (record.Has(RecordFields.TimestampStart) && record.Has(RecordFields.TimestampStop) && record.StopNanoseconds >= record.StartNanoseconds)
        {
            json.Number("end"u8, record.StopNanoseconds / 1_000_000_000);
            json.Seconds("duration"u8, (record.StopNanoseconds - record.StartNanoseconds) / 1000);
        }
    }

    public static ReadOnlySpan<byte> Name(ConntrackEventType type) => type switch
    {
        ConntrackEventType.New => "NEW"u8,
        ConntrackEventType.Update => "UPDATE"u8,
        _ => "DESTROY"u8,
    };

    /// <summary>"2026-11-29T18:40:01.123456Z".</summary>
    public static int FormatTime(long unixNanoseconds, Span<byte> destination)
    {
        DateTime time = DateTime.UnixEpoch.AddTicks(unixNanoseconds / 100);
        time.TryFormat(destination, out int written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return written;
    }
}
