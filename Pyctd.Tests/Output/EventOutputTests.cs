using System.Text;
using System.Text.Json;
using Pyctd.Conntrack;
using Pyctd.Output;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Output;

/// <summary>
/// The event prefixes of `-o conntrack` and the extra members of the event JSON. The live tests hold
/// the whole lines against `conntrack -E`; these pin the parts that a lab run may not meet.
/// </summary>
public sealed class EventOutputTests
{
    // 2023-11-14T22:13:20.000042Z
    private const long EventTime = 1_700_000_000_000_042_999;

    private static string Line(ConntrackEventType type, uint portId, bool timePrefix)
    {
        var record = Records.Flow(IpProtocols.Udp, "10.0.0.1", 5, "10.0.0.2", 53, status: ConntrackStatus.Confirmed);
        record.Fields &= ~RecordFields.Use;
        Span<byte> line = stackalloc byte[1024];
        int length = ConntrackLineFormatter.FormatEvent(new ConntrackEvent(type, portId, EventTime), record, timePrefix, 0, line);
        return Encoding.ASCII.GetString(line[..length]);
    }

    [Theory]
    [InlineData(1, "    [NEW] udp      17 100 ")]
    [InlineData(2, " [UPDATE] udp      17 100 ")]
    [InlineData(3, "[DESTROY] udp      17 100 ")]
    public void FormatEvent_Type_IsRightAlignedInNineColumns(byte type, string start) =>
        Assert.StartsWith(start, Line((ConntrackEventType)type, 0, timePrefix: false), StringComparison.Ordinal);

    [Fact]
    public void FormatEvent_TimePrefix_IsSecondsDotSixDigitMicrosecondsAndATab() =>
        Assert.StartsWith("[1700000000.000042]\t    [NEW] udp ", Line(ConntrackEventType.New, 0, timePrefix: true), StringComparison.Ordinal);

    [Fact]
    public void FormatEvent_CausedByAProgram_EndsWithItsPort()
    {
        Assert.EndsWith("mark=0 [USERSPACE] portid=4294967295", Line(ConntrackEventType.New, uint.MaxValue, timePrefix: false), StringComparison.Ordinal);
        Assert.EndsWith("mark=0", Line(ConntrackEventType.New, 0, timePrefix: false), StringComparison.Ordinal);
    }

    [Fact]
    public void JsonEvent_EndedFlow_HasEventTimeEndAndDuration()
    {
        var record = Records.Flow(IpProtocols.Tcp, "10.0.0.1", 5, "10.0.0.2", 80);
        record.StartNanoseconds = 1_700_000_000_000_000_000;
        record.StopNanoseconds = 1_700_000_012_000_345_678;
        record.Fields |= RecordFields.TimestampStart | RecordFields.TimestampStop;
        using var stream = new MemoryStream();
        using (var output = new OutputBuffer(stream))
        {
            var writer = new JsonEventWriter(output, lines: true);
            writer.Begin();
            writer.Write(new ConntrackEvent(ConntrackEventType.Destroy, 0, EventTime), record);
            writer.End();
        }

        string text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.StartsWith("""{"event":"DESTROY","time":"2023-11-14T22:13:20.000042Z","id":1,""", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(1_700_000_000UL, json.RootElement.GetProperty("start").GetUInt64());
        Assert.Equal(1_700_000_012UL, json.RootElement.GetProperty("end").GetUInt64());
        Assert.Contains("\"duration\":12.000345}", text, StringComparison.Ordinal);
    }
}
