using System.Text.Json;
using Pyctd.Conntrack;
using Pyctd.Output;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Output;

public sealed class JsonWriterTests
{
    private static string Render(bool lines, params ConntrackRecord[] records)
    {
        using var stream = new MemoryStream();
        using (var output = new OutputBuffer(stream))
        {
            var writer = new JsonWriter(output, lines);
            writer.Begin();
            foreach (var record in records)
            {
                writer.Write(record);
            }

            writer.End();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Write_Array_IsValidJsonWithApiFieldNames()
    {
        var tcp = Records.Tcp("10.0.0.1", 1000, "fd00::1".Length > 0 ? "10.0.0.2" : "", 80);
        tcp.Id = uint.MaxValue;
        tcp.Fields |= RecordFields.OrigCounters | RecordFields.ReplyCounters | RecordFields.Helper;
        tcp.OriginalCounters.Bytes = 12345;
        "ftp\"x"u8.CopyTo(tcp.Helper);
        var v6 = Records.Flow(IpProtocols.IcmpV6, "fd00::1", 0, "fd00::2", 0);

        using var document = JsonDocument.Parse(Render(false, tcp, v6));
        JsonElement first = document.RootElement[0];
        Assert.Equal(uint.MaxValue, first.GetProperty("id").GetUInt32());
        Assert.Equal("tcp", first.GetProperty("proto").GetString());
        Assert.Equal("10.0.0.1", first.GetProperty("orig_src").GetString());
        Assert.Equal(80, first.GetProperty("orig_port_dst").GetInt32());
        Assert.Equal("ESTABLISHED", first.GetProperty("state").GetString());
        Assert.Equal(["SEEN_REPLY", "ASSURED", "CONFIRMED"], first.GetProperty("status").EnumerateArray().Select(static e => e.GetString()));
        Assert.Equal(12345UL, first.GetProperty("orig_bytes").GetUInt64());
        Assert.Equal("ftp\"x", first.GetProperty("helper").GetString());

        JsonElement second = document.RootElement[1];
        Assert.Equal("ipv6", second.GetProperty("family").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("state").ValueKind);
        Assert.False(second.TryGetProperty("orig_port_src", out _));
        Assert.Equal(0, second.GetProperty("icmp_type").GetInt32());
    }

    [Fact]
    public void Write_EmptyArray_IsValidJson()
    {
        using var document = JsonDocument.Parse(Render(false));
        Assert.Equal(0, document.RootElement.GetArrayLength());
    }

    [Fact]
    public void Write_Lines_EachLineIsAnObject()
    {
        string text = Render(true, Records.Tcp("10.0.0.1", 1, "10.0.0.2", 2), Records.Tcp("10.0.0.3", 1, "10.0.0.4", 2));
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, static line => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind));
    }
}
