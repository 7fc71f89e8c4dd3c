using System.Text;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Tests.Serve;

public sealed class XmlRpcWriterTests
{
    private static string Write(XmlRpcValue value)
    {
        using var writer = new XmlRpcWriter();
        writer.Response(value);
        return Encoding.UTF8.GetString(writer.Pending);
    }

    private static XmlRpcValue RoundTrip(XmlRpcValue value) => XmlRpcResponses.ReadBack(Write(value));

    private static List<string> ReadWithSystemXml(string xml, string element) => XmlRpcResponses.ElementTexts(xml, element);

    [Theory]
    [InlineData(0L, "<int>0</int>")]
    [InlineData(2147483647L, "<int>2147483647</int>")]
    [InlineData(-2147483648L, "<int>-2147483648</int>")]
    public void Write_Integers_IntWithin32Bits(long value, string expected)
    {
        Assert.Contains(expected, Write(XmlRpcValue.From(value)));
        Assert.Equal(value, RoundTrip(XmlRpcValue.From(value)).Integer);
    }

    /// <summary>Beyond 32 bits: &lt;double&gt; with the exact digits, which every client reads (docs/xmlrpc-api.md, "Numbers").</summary>
    [Theory]
    [InlineData(2147483648L, "<double>2147483648</double>")]
    [InlineData(-2147483649L, "<double>-2147483649</double>")]
    [InlineData(4294967295L, "<double>4294967295</double>")]
    [InlineData(9007199254740992L, "<double>9007199254740992</double>")]
    [InlineData(long.MaxValue, "<double>9223372036854775807</double>")]
    [InlineData(long.MinValue, "<double>-9223372036854775808</double>")]
    public void Write_IntegersBeyond32Bits_AreDoublesWithTheExactDigits(long value, string expected)
    {
        string xml = Write(XmlRpcValue.From(value));
        Assert.Contains(expected, xml);
        Assert.DoesNotContain("i8", xml);
        Assert.Equal(value, RoundTrip(XmlRpcValue.From(value)).Double);
    }

    [Theory]
    [InlineData(2147483647L, "<int>2147483647</int>")]
    [InlineData(2147483648L, "<i8>2147483648</i8>")]
    [InlineData(-2147483649L, "<i8>-2147483649</i8>")]
    [InlineData(long.MaxValue, "<i8>9223372036854775807</i8>")]
    [InlineData(long.MinValue, "<i8>-9223372036854775808</i8>")]
    public void Write_IntegersWithI8_IntUpTo32BitsThenI8(long value, string expected)
    {
        using var writer = new XmlRpcWriter(i8: true);
        writer.Response(XmlRpcValue.From(value));
        string xml = Encoding.UTF8.GetString(writer.Pending);
        Assert.Contains(expected, xml);
        Assert.DoesNotContain("ex:", xml);
        Assert.Equal(value, XmlRpcResponses.ReadBack(xml).Integer);
    }

    [Fact]
    public void Write_EveryType_RoundTripsThroughBothReaders()
    {
        var date = new DateTime(2026, 11, 26, 7, 8, 9, DateTimeKind.Utc);
        const string text = "a&b <c> \"d\" ]]> \r\n\t\u00e9 \U0001F600 \uFFFD end";
        var value = XmlRpcValue.Struct(
            ("s", XmlRpcValue.From(text)),
            ("empty string", XmlRpcValue.From(string.Empty)),
            ("b", XmlRpcValue.True),
            ("f", XmlRpcValue.False),
            ("d", XmlRpcValue.From(2.25)),
            ("tiny", XmlRpcValue.From(1e-300)),
            ("inf", XmlRpcValue.From(double.PositiveInfinity)),
            ("-inf", XmlRpcValue.From(double.NegativeInfinity)),
            ("nan", XmlRpcValue.From(double.NaN)),
            ("t", XmlRpcValue.From(date)),
            ("bytes", XmlRpcValue.From([0, 1, 255])),
            ("void", XmlRpcValue.Nil),
            ("list", XmlRpcValue.Array([XmlRpcValue.From(1), XmlRpcValue.From("x")])),
            ("a<b&c", XmlRpcValue.From(-7)),
            ("empty", XmlRpcValue.Struct()));

        XmlRpcValue back = RoundTrip(value);
        Assert.Equal(text, back.Member("s")!.String);
        Assert.Equal(string.Empty, back.Member("empty string")!.String);
        Assert.True(back.Member("b")!.Boolean);
        Assert.False(back.Member("f")!.Boolean);
        Assert.Equal(2.25, back.Member("d")!.Double);
        Assert.Equal(1e-300, back.Member("tiny")!.Double);
        Assert.Equal(double.PositiveInfinity, back.Member("inf")!.Double);
        Assert.Equal(double.NegativeInfinity, back.Member("-inf")!.Double);
        Assert.True(double.IsNaN(back.Member("nan")!.Double));
        Assert.Equal(date, back.Member("t")!.DateTime);
        Assert.Equal(new byte[] { 0, 1, 255 }, back.Member("bytes")!.Bytes);
        Assert.True(back.Member("void")!.Boolean);
        Assert.Equal(2, back.Member("list")!.Items.Count);
        Assert.Equal(-7, back.Member("a<b&c")!.Integer);
        Assert.Empty(back.Member("empty")!.Members);

        string xml = Write(value);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><methodResponse><params><param><value><struct>", xml);
        Assert.Equal(new[] { text, string.Empty, "x" }, ReadWithSystemXml(xml, "string"));
        Assert.Equal(new[] { "1", "0", "1" }, ReadWithSystemXml(xml, "boolean"));
        Assert.Equal(new[] { "2.25", "1E-300", "inf", "-inf", "nan" }, ReadWithSystemXml(xml, "double"));
        Assert.Contains("a<b&c", ReadWithSystemXml(xml, "name"));
    }

    [Fact]
    public void Write_DateTime_IsCompactIso8601InUtc()
    {
        string xml = Write(XmlRpcValue.From(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
        Assert.Contains("<dateTime.iso8601>20260102T03:04:05</dateTime.iso8601>", xml);
        Assert.Contains("<dateTime.iso8601>00010101T00:00:00</dateTime.iso8601>", Write(XmlRpcValue.From(new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
    }

    [Fact]
    public void Write_CarriageReturn_IsKeptAsCharacterReference()
    {
        string xml = Write(XmlRpcValue.From("a\rb\nc"));
        Assert.Contains("<string>a&#xD;b\nc</string>", xml);
        Assert.Equal(new[] { "a\rb\nc" }, ReadWithSystemXml(xml, "string"));
    }

    [Fact]
    public void Write_Markup_IsEscaped() => Assert.Contains("<string>&amp;&lt;&gt;\"'</string>", Write(XmlRpcValue.From("&<>\"'")));

    [Fact]
    public void Write_Void_IsBooleanTrueNeverNil()
    {
        string xml = Write(XmlRpcValue.Nil);
        Assert.Contains("<boolean>1</boolean>", xml);
        Assert.DoesNotContain("nil", xml);
    }

    // As char codes: an attribute cannot hold an unpaired surrogate (the compiler stores UTF-8, which turns it into U+FFFD).
    [Theory]
    [InlineData(0x01)]
    [InlineData(0x00)]
    [InlineData(0x1B)]
    [InlineData(0xD83D)]
    [InlineData(0xD83D, 0x20)]
    [InlineData(0xDE00)]
    [InlineData(0xDE00, 0xD83D)]
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    public void Write_CharacterXmlCannotCarry_IsAFaultBeforeAnythingIsWritten(params int[] codes)
    {
        string text = "fine " + new string(Array.ConvertAll(codes, static c => (char)c));
        using var writer = new XmlRpcWriter();
        var fault = Assert.Throws<XmlRpcFault>(() => writer.Response(XmlRpcValue.Struct(("x", XmlRpcValue.From("fine")), ("y", XmlRpcValue.From(text)))));
        Assert.Equal(XmlRpcFault.Internal, fault.Code);
        Assert.Equal(0, writer.PendingLength);

        var inName = Assert.Throws<XmlRpcFault>(() => writer.Response(XmlRpcValue.Struct((text, XmlRpcValue.From(1)))));
        Assert.Equal(XmlRpcFault.Internal, inName.Code);
        Assert.Equal(0, writer.PendingLength);
    }

    [Fact]
    public void Write_NonBmpCharacters_AreFourByteUtf8()
    {
        string xml = Write(XmlRpcValue.From("\U0001F600\U00010000\U0010FFFD"));
        Assert.Contains("<string>\U0001F600\U00010000\U0010FFFD</string>", xml);
        Assert.Equal(new[] { "\U0001F600\U00010000\U0010FFFD" }, ReadWithSystemXml(xml, "string"));
    }

    [Fact]
    public void Write_LongString_CrossesBufferGrowth()
    {
        string text = string.Concat(Enumerable.Repeat("<&\r\u00e9\U0001F600", 40_000));
        Assert.Equal(text, RoundTrip(XmlRpcValue.From(text)).String);
    }

    [Fact]
    public void Fault_WithUnwritableText_StillWritesAFault()
    {
        using var writer = new XmlRpcWriter();
        writer.Fault(4, "no such connection: \u0001 \uD800 <x>");
        string xml = Encoding.UTF8.GetString(writer.Pending);
        Assert.Contains("<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member>", xml);
        Assert.Equal(new[] { "no such connection: ? ? <x>" }, ReadWithSystemXml(xml, "string"));
    }

    [Fact]
    public async Task FlushAsync_InChunks_GivesTheSameBytesAsOneWrite()
    {
        XmlRpcValue[] items = Enumerable.Range(0, 5_000).Select(static i => XmlRpcValue.From($"item {i} <&>")).ToArray();
        string whole = Write(XmlRpcValue.Array(items));

        using var writer = new XmlRpcWriter();
        using var destination = new MemoryStream();
        writer.BeginResponse();
        writer.BeginArray();
        int flushes = 0;
        foreach (XmlRpcValue item in items)
        {
            writer.Value(item);
            if (writer.ChunkFull)
            {
                Assert.True(writer.PendingLength < 2 * XmlRpcWriter.ChunkSize);
                await writer.FlushAsync(destination, CancellationToken.None);
                flushes++;
            }
        }

        writer.EndArray();
        writer.EndResponse();
        await writer.FlushAsync(destination, CancellationToken.None);

        Assert.True(flushes > 2, $"{flushes} flushes");
        Assert.Equal(destination.Length, writer.FlushedLength);
        Assert.Equal(whole, Encoding.UTF8.GetString(destination.ToArray()));
    }
}
