using System.Text;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Tests.Serve;

public sealed class XmlRpcWriterTests
{
    private static string Write(XmlRpcValue value)
    {
        using var buffer = new MemoryStream();
        XmlRpcWriter.WriteResponse(buffer, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the value, reads it back as a call's parameter: every type survives both ways.</summary>
    private static XmlRpcValue RoundTrip(XmlRpcValue value)
    {
        string response = Write(value);
        string call = response.Replace("<methodResponse>", "<methodCall><methodName>r</methodName>", StringComparison.Ordinal)
            .Replace("</methodResponse>", "</methodCall>", StringComparison.Ordinal);
        return XmlRpcReader.ReadCall(new MemoryStream(Encoding.UTF8.GetBytes(call)), 1_000_000).Parameters.Single();
    }

    [Theory]
    [InlineData(0L, "<int>0</int>")]
    [InlineData(2147483647L, "<int>2147483647</int>")]
    [InlineData(-2147483648L, "<int>-2147483648</int>")]
    [InlineData(2147483648L, "<i8>2147483648</i8>")]
    [InlineData(4294967295L, "<i8>4294967295</i8>")]
    public void Write_Integers_IntUpTo32BitsThenI8(long value, string expected)
    {
        string xml = Write(XmlRpcValue.From(value));
        Assert.Contains(expected, xml);
        Assert.DoesNotContain("ex:", xml);
        Assert.Equal(value, RoundTrip(XmlRpcValue.From(value)).Integer);
    }

    [Fact]
    public void Write_EveryType_RoundTrips()
    {
        var date = new DateTime(2026, 11, 26, 7, 8, 9, DateTimeKind.Utc);
        XmlRpcValue value = XmlRpcValue.Struct(
            ("s", XmlRpcValue.From("a&b <c> \"d\"\r\n\u00e9")),
            ("b", XmlRpcValue.True),
            ("d", XmlRpcValue.From(2.25)),
            ("inf", XmlRpcValue.From(double.PositiveInfinity)),
            ("t", XmlRpcValue.From(date)),
            ("bytes", XmlRpcValue.From(new byte[] { 0, 1, 255 })),
            ("list", XmlRpcValue.Array([XmlRpcValue.From(1), XmlRpcValue.From("x")])),
            ("empty", XmlRpcValue.Struct()));

        XmlRpcValue back = RoundTrip(value);
        Assert.Equal("a&b <c> \"d\"\r\n\u00e9", back.Member("s")!.String);
        Assert.True(back.Member("b")!.Boolean);
        Assert.Equal(2.25, back.Member("d")!.Double);
        Assert.Equal(double.PositiveInfinity, back.Member("inf")!.Double);
        Assert.Equal(date, back.Member("t")!.DateTime);
        Assert.Equal(new byte[] { 0, 1, 255 }, back.Member("bytes")!.Bytes);
        Assert.Equal(2, back.Member("list")!.Items.Count);
        Assert.Empty(back.Member("empty")!.Members);
    }

    [Fact]
    public void Write_DateTime_IsCompactIso8601()
    {
        string xml = Write(XmlRpcValue.From(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
        Assert.Contains("<dateTime.iso8601>20260102T03:04:05</dateTime.iso8601>", xml);
    }

    [Fact]
    public void Write_CarriageReturn_IsKeptAsCharacterReference()
    {
        Assert.Contains("a&#xD;", Write(XmlRpcValue.From("a\rb")));
    }

    [Fact]
    public void Write_Void_IsBooleanTrueNeverNil()
    {
        string xml = Write(XmlRpcValue.Nil);
        Assert.Contains("<boolean>1</boolean>", xml);
        Assert.DoesNotContain("nil", xml);
    }

    [Fact]
    public void Write_CharacterXmlCannotCarry_IsAFaultBeforeAnythingIsWritten()
    {
        using var buffer = new MemoryStream();
        var fault = Assert.Throws<XmlRpcFault>(() => XmlRpcWriter.WriteResponse(buffer, XmlRpcValue.Struct(("x", XmlRpcValue.From("bad\u0001")))));
        Assert.Equal(XmlRpcFault.Internal, fault.Code);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void WriteFault_WithUnwritableText_StillWritesAFault()
    {
        using var buffer = new MemoryStream();
        XmlRpcWriter.WriteFault(buffer, 4, "no such connection: \u0001");
        string xml = Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Contains("<name>faultCode</name><value><int>4</int></value>", xml);
        Assert.Contains("no such connection: ?", xml);
    }
}
