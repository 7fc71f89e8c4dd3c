using System.Text;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Tests.Serve;

public sealed class XmlRpcReaderTests
{
    private static XmlRpcCall Read(string xml, long max = 1_000_000) =>
        XmlRpcReader.ReadCall(new MemoryStream(Encoding.UTF8.GetBytes(xml)), max);

    private static XmlRpcValue Value(string valueXml) =>
        Read($"<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params><param>{valueXml}</param></params></methodCall>").Parameters.Single();

    private static int FaultOf(string xml, long max = 1_000_000) => Assert.Throws<XmlRpcFault>(() => Read(xml, max)).Code;

    [Theory]
    [InlineData("<value><i4>42</i4></value>", 42L)]
    [InlineData("<value><int>-7</int></value>", -7L)]
    [InlineData("<value><i8>4294967295</i8></value>", 4294967295L)]
    [InlineData("<value><ex:i8>9000000000</ex:i8></value>", 9000000000L)]
    [InlineData("<value><int> 12 </int></value>", 12L)]
    [InlineData("<value><int>3000000000</int></value>", 3000000000L)] // PHP overflows <int>; the number is kept
    public void Read_Integers_AllSpellings(string xml, long expected)
    {
        XmlRpcValue value = Value(xml);
        Assert.Equal(XmlRpcKind.Integer, value.Kind);
        Assert.Equal(expected, value.Integer);
    }

    [Theory]
    [InlineData("<value>  spaced  </value>", "  spaced  ")]
    [InlineData("<value></value>", "")]
    [InlineData("<value/>", "")]
    [InlineData("<value><string/></value>", "")]
    [InlineData("<value><string>a&amp;b&lt;c</string></value>", "a&b<c")]
    [InlineData("<value><string><![CDATA[x<y]]> and <![CDATA[z]]></string></value>", "x<y and z")]
    [InlineData("<value>text<![CDATA[<cdata>]]>more</value>", "text<cdata>more")]
    [InlineData("<value><string>line1&#13;&#10;line2</string></value>", "line1\r\nline2")]
    [InlineData("<value><string>caf\u00e9 \u2603</string></value>", "caf\u00e9 \u2603")]
    public void Read_Strings_KeepWhitespaceAndJoinCdata(string xml, string expected)
    {
        XmlRpcValue value = Value(xml);
        Assert.Equal(XmlRpcKind.String, value.Kind);
        Assert.Equal(expected, value.String);
    }

    [Fact]
    public void Read_Scalars_OfEveryOtherType()
    {
        Assert.True(Value("<value><boolean>1</boolean></value>").Boolean);
        Assert.False(Value("<value><boolean>0</boolean></value>").Boolean);
        Assert.Equal(1.5, Value("<value><double>1.5</double></value>").Double);
        Assert.Equal(double.PositiveInfinity, Value("<value><double>inf</double></value>").Double);
        Assert.Equal(double.NegativeInfinity, Value("<value><double>-inf</double></value>").Double);
        Assert.True(double.IsNaN(Value("<value><double>nan</double></value>").Double));
        Assert.Equal(new DateTime(2026, 11, 26, 7, 8, 9, DateTimeKind.Utc), Value("<value><dateTime.iso8601>20261126T07:08:09</dateTime.iso8601></value>").DateTime);
        Assert.Equal(new DateTime(2026, 11, 26, 7, 8, 9, DateTimeKind.Utc), Value("<value><dateTime.iso8601>2026-11-26T07:08:09Z</dateTime.iso8601></value>").DateTime);
        Assert.Equal("hello"u8.ToArray(), Value("<value><base64>aGVs\n  bG8=\n</base64></value>").Bytes);
        Assert.Equal(XmlRpcKind.Nil, Value("<value><nil/></value>").Kind);
        Assert.Equal(XmlRpcKind.Nil, Value("<value><ex:nil/></value>").Kind);
    }

    [Fact]
    public void Read_StructAndArray_Nested()
    {
        XmlRpcValue value = Value(
            "<value><struct><member><name>a</name><value><array><data><value><i4>1</i4></value><value>two</value></data></array></value></member>" +
            "<member><name>b</name><value><struct></struct></value></member></struct></value>");
        Assert.Equal(XmlRpcKind.Struct, value.Kind);
        XmlRpcValue a = value.Member("a")!;
        Assert.Equal(2, a.Items.Count);
        Assert.Equal(1, a.Items[0].Integer);
        Assert.Equal("two", a.Items[1].String);
        Assert.Empty(value.Member("b")!.Members);
        Assert.Empty(Value("<value><array><data/></array></value>").Items);
    }

    [Theory]
    [InlineData("<methodCall><methodName>login</methodName></methodCall>")]
    [InlineData("<methodCall><methodName>login</methodName><params/></methodCall>")]
    [InlineData("<methodCall><methodName>login</methodName><params></params></methodCall>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodCall>\n  <methodName> login </methodName>\n  <params>\n  </params>\n</methodCall>\n")]
    public void Read_NoParameters_IsAnEmptyList(string xml)
    {
        XmlRpcCall call = Read(xml);
        Assert.Equal("login", call.MethodName);
        Assert.Empty(call.Parameters);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml at all")]
    [InlineData("<methodCall><methodName>x</methodName>")]
    [InlineData("<methodCall><methodName>x</methodName></methodCall><extra/>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><methodCall><methodName>&lol2;</methodName></methodCall>")]
    [InlineData("<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><methodCall><methodName>x</methodName></methodCall>")]
    [InlineData("<methodCall><methodName>x\u0001</methodName></methodCall>")]
    public void Read_MalformedOrHostileXml_IsParseError(string xml) => Assert.Equal(XmlRpcFault.ParseError, FaultOf(xml));

    [Theory]
    [InlineData("<methodResponse/>")]
    [InlineData("<methodCall/>")]
    [InlineData("<methodCall><params/></methodCall>")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><i4>nope</i4></value></param></params></methodCall>")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><blob>1</blob></value></param></params></methodCall>")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><i4>1</i4><i4>2</i4></value></param></params></methodCall>")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value>text<i4>2</i4></value></param></params></methodCall>")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodCall>")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>")]
    public void Read_WellFormedButNotXmlRpc_IsInvalidRequest(string xml) => Assert.Equal(XmlRpcFault.NotXmlRpc, FaultOf(xml));

    [Fact]
    public void Read_DeepNesting_IsRefusedWithoutRecursingToDeath()
    {
        const int depth = 100_000;
        var xml = new StringBuilder("<methodCall><methodName>x</methodName><params><param>");
        for (int i = 0; i < depth; i++)
        {
            xml.Append("<value><array><data>");
        }

        for (int i = 0; i < depth; i++)
        {
            xml.Append("</data></array></value>");
        }

        xml.Append("</param></params></methodCall>");
        Assert.Equal(XmlRpcFault.ParseError, FaultOf(xml.ToString(), long.MaxValue));
    }

    [Fact]
    public void Read_NestingWithinTheCap_IsRead()
    {
        var xml = new StringBuilder("<methodCall><methodName>x</methodName><params><param>");
        for (int i = 0; i < 10; i++)
        {
            xml.Append("<value><array><data>");
        }

        xml.Append("<value><i4>7</i4></value>");
        for (int i = 0; i < 10; i++)
        {
            xml.Append("</data></array></value>");
        }

        xml.Append("</param></params></methodCall>");
        Assert.Single(Read(xml.ToString()).Parameters);
    }

    [Fact]
    public void Read_DocumentOverTheSizeCap_IsParseError()
    {
        string xml = $"<methodCall><methodName>x</methodName><params><param><value>{new string('a', 5000)}</value></param></params></methodCall>";
        Assert.Equal(XmlRpcFault.ParseError, FaultOf(xml, max: 1000));
    }
}
