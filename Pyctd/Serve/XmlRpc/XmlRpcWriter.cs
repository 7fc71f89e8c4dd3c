using System.Globalization;
using System.Text;
using System.Xml;

namespace Pyctd.Serve.XmlRpc;

/// <summary>
/// Writes a methodResponse straight to a stream, so a 250,000-row answer is never a DOM. What it
/// writes every client reads: &lt;int&gt; within 32 bits and &lt;i8&gt; beyond (never ex: tags),
/// dates as yyyyMMddTHH:mm:ss, no &lt;nil/&gt; (PHP's client rejects it), \r kept as &amp;#xD;.
/// </summary>
internal sealed class XmlRpcWriter : IXmlRpcOutput, IDisposable
{
    private static readonly XmlWriterSettings s_settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        NewLineHandling = NewLineHandling.Entitize,
        CheckCharacters = true,
        CloseOutput = false,
    };

    private readonly XmlWriter _writer;

    public XmlRpcWriter(Stream output) => _writer = XmlWriter.Create(output, s_settings);

    /// <summary>Throws a -32603 fault when a string holds a character XML 1.0 cannot carry; call before writing starts.</summary>
    public static void EnsureWritable(XmlRpcValue value)
    {
        switch (value.Kind)
        {
            case XmlRpcKind.String:
                EnsureWritable(value.String);
                break;
            case XmlRpcKind.Struct:
                foreach (var (name, member) in value.Members)
                {
                    EnsureWritable(name);
                    EnsureWritable(member);
                }

                break;
            case XmlRpcKind.Array:
                foreach (XmlRpcValue item in value.Items)
                {
                    EnsureWritable(item);
                }

                break;
        }
    }

    public static void EnsureWritable(string text)
    {
        if (!IsWritable(text))
        {
            throw new XmlRpcFault(XmlRpcFault.Internal, "the result holds a character XML cannot carry");
        }
    }

    /// <summary>Every character is one XML 1.0 allows (surrogate pairs included).</summary>
    public static bool IsWritable(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (XmlConvert.IsXmlChar(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return false;
        }

        return true;
    }

    public static void WriteResponse(Stream output, XmlRpcValue value)
    {
        EnsureWritable(value);
        using var writer = new XmlRpcWriter(output);
        writer.BeginResponse();
        writer.Value(value);
        writer.EndResponse();
    }

    public static void WriteFault(Stream output, int code, string message)
    {
        var safe = new StringBuilder(message.Length);
        foreach (char c in message)
        {
            // A fault must always be writable: whatever the client sent that XML cannot carry becomes '?'.
            safe.Append(XmlConvert.IsXmlChar(c) ? c : '?');
        }

        using var writer = new XmlRpcWriter(output);
        writer._writer.WriteStartElement("methodResponse");
        writer._writer.WriteStartElement("fault");
        writer.BeginStruct();
        ((IXmlRpcOutput)writer).Member("faultCode", code);
        ((IXmlRpcOutput)writer).Member("faultString", safe.ToString());
        writer.EndStruct();
        writer._writer.WriteEndElement();
        writer._writer.WriteEndElement();
    }

    public void BeginResponse()
    {
        _writer.WriteStartElement("methodResponse");
        _writer.WriteStartElement("params");
        _writer.WriteStartElement("param");
    }

    public void EndResponse()
    {
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _writer.Flush();
    }

    public void Value(XmlRpcValue value)
    {
        switch (value.Kind)
        {
            case XmlRpcKind.Integer:
                Integer(value.Integer);
                break;
            case XmlRpcKind.Boolean:
                Boolean(value.Boolean);
                break;
            case XmlRpcKind.String:
                String(value.String);
                break;
            case XmlRpcKind.Double:
                Scalar("double", FormatDouble(value.Double));
                break;
            case XmlRpcKind.DateTime:
                DateTime(value.DateTime);
                break;
            case XmlRpcKind.Base64:
                Scalar("base64", Convert.ToBase64String(value.Bytes));
                break;
            case XmlRpcKind.Struct:
                BeginStruct();
                foreach (var (name, member) in value.Members)
                {
                    BeginMember(name);
                    Value(member);
                    EndMember();
                }

                EndStruct();
                break;
            case XmlRpcKind.Array:
                BeginArray();
                foreach (XmlRpcValue item in value.Items)
                {
                    Value(item);
                }

                EndArray();
                break;
            default:
                // Void: boolean true, which every client reads (PHP's rejects <nil/>).
                Boolean(true);
                break;
        }
    }

    public void Integer(long value)
    {
        _writer.WriteStartElement("value");
        _writer.WriteStartElement(value is >= int.MinValue and <= int.MaxValue ? "int" : "i8");
        _writer.WriteString(value.ToString(CultureInfo.InvariantCulture));
        _writer.WriteEndElement();
        _writer.WriteEndElement();
    }

    public void Boolean(bool value) => Scalar("boolean", value ? "1" : "0");

    public void String(string value) => Scalar("string", value);

    public void DateTime(DateTime value) =>
        Scalar("dateTime.iso8601", value.ToUniversalTime().ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture));

    public void BeginStruct()
    {
        _writer.WriteStartElement("value");
        _writer.WriteStartElement("struct");
    }

    public void EndStruct()
    {
        _writer.WriteEndElement();
        _writer.WriteEndElement();
    }

    public void BeginMember(string name)
    {
        _writer.WriteStartElement("member");
        _writer.WriteElementString("name", name);
    }

    public void EndMember() => _writer.WriteEndElement();

    public void BeginArray()
    {
        _writer.WriteStartElement("value");
        _writer.WriteStartElement("array");
        _writer.WriteStartElement("data");
    }

    public void EndArray()
    {
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _writer.WriteEndElement();
    }

    public void Flush() => _writer.Flush();

    private void Scalar(string type, string text)
    {
        _writer.WriteStartElement("value");
        _writer.WriteElementString(type, text);
        _writer.WriteEndElement();
    }

    private static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(value) => "nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public void Dispose() => _writer.Dispose();
}
