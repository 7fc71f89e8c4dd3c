using System.Globalization;
using System.Text;
using System.Xml;

namespace Pyctd.Serve.XmlRpc;

/// <summary>
/// Reads a methodCall without a DOM and without trusting the sender: no DTDs, no external
/// resolution, a cap on characters and on nesting depth, and every malformation a fault.
/// Accepts what real clients send: untyped values as strings (whitespace kept), CDATA,
/// i4/int/i8/ex:i8, nil/ex:nil (even with the ex prefix undeclared), Python's inf/nan.
/// </summary>
internal static class XmlRpcReader
{
    public const int DefaultMaxDepth = 64;

    private const string ExtensionsNamespace = "http://ws.apache.org/xmlrpc/namespaces/extensions";

    public static XmlRpcCall ReadCall(Stream body, long maxCharacters, int maxDepth = DefaultMaxDepth)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = false,
            CheckCharacters = true,
            CloseInput = false,
        };

        // Apache and PHP clients write <ex:nil/> and <ex:i8> without declaring ex: predeclare it.
        var names = new XmlNamespaceManager(new NameTable());
        names.AddNamespace("ex", ExtensionsNamespace);
        var context = new XmlParserContext(null, names, null, XmlSpace.Preserve);

        try
        {
            using var reader = XmlReader.Create(body, settings, context);
            return new Parser(reader, maxDepth).ReadMethodCall();
        }
        catch (XmlException error)
        {
            throw new XmlRpcFault(XmlRpcFault.ParseError, $"parse error: {error.Message}");
        }
        catch (DecoderFallbackException)
        {
            throw new XmlRpcFault(XmlRpcFault.ParseError, "parse error: the request is not valid UTF-8");
        }
    }

    private sealed class Parser(XmlReader reader, int maxDepth)
    {
        public XmlRpcCall ReadMethodCall()
        {
            MoveToContent();
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "methodCall")
            {
                throw NotXmlRpc("the document is not a <methodCall>");
            }

            string? methodName = null;
            var parameters = new List<XmlRpcValue>();
            if (!reader.IsEmptyElement)
            {
                reader.Read();
                while (NextElement())
                {
                    switch (reader.LocalName)
                    {
                        case "methodName":
                            methodName = ReadText().Trim();
                            break;
                        case "params":
                            ReadParams(parameters);
                            break;
                        default:
                            throw NotXmlRpc($"unexpected <{reader.LocalName}> in <methodCall>");
                    }
                }
            }

            if (string.IsNullOrEmpty(methodName))
            {
                throw NotXmlRpc("<methodCall> has no <methodName>");
            }

            // Read to the end, so trailing garbage or a second root element is caught too.
            while (reader.Read())
            {
                if (reader.NodeType is XmlNodeType.Element or XmlNodeType.Text or XmlNodeType.CDATA)
                {
                    throw new XmlException("content after the end of <methodCall>");
                }
            }

            return new XmlRpcCall(methodName, parameters);
        }

        private void ReadParams(List<XmlRpcValue> parameters)
        {
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return;
            }

            reader.Read();
            while (NextElement())
            {
                if (reader.LocalName != "param")
                {
                    throw NotXmlRpc($"unexpected <{reader.LocalName}> in <params>");
                }

                parameters.Add(ReadSingleValueContainer("param"));
            }

            reader.Read(); // </params>
        }

        /// <summary>Reads &lt;param&gt; or &lt;member&gt;-like wrappers holding exactly one &lt;value&gt;.</summary>
        private XmlRpcValue ReadSingleValueContainer(string name)
        {
            if (reader.IsEmptyElement)
            {
                throw NotXmlRpc($"<{name}> without <value>");
            }

            reader.Read();
            XmlRpcValue? value = null;
            while (NextElement())
            {
                if (reader.LocalName != "value" || value is not null)
                {
                    throw NotXmlRpc($"<{name}> must hold one <value>");
                }

                value = ReadValue();
            }

            reader.Read(); // end of container
            return value ?? throw NotXmlRpc($"<{name}> without <value>");
        }

        /// <summary>At &lt;value&gt;: reads it and its end tag.</summary>
        private XmlRpcValue ReadValue()
        {
            CheckDepth();
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return XmlRpcValue.From(string.Empty);
            }

            reader.Read();
            var text = new StringBuilder();
            XmlRpcValue? typed = null;
            while (reader.NodeType != XmlNodeType.EndElement)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        text.Append(reader.Value);
                        reader.Read();
                        break;
                    case XmlNodeType.Element:
                        if (typed is not null)
                        {
                            throw NotXmlRpc("<value> holds more than one type");
                        }

                        typed = ReadTyped();
                        break;
                    case XmlNodeType.None:
                        throw new XmlException("unexpected end of document");
                    default:
                        reader.Read();
                        break;
                }
            }

            reader.Read(); // </value>
            if (typed is null)
            {
                // Untyped <value>: a string, whitespace and all.
                return XmlRpcValue.From(text.ToString());
            }

            if (!string.IsNullOrWhiteSpace(text.ToString()))
            {
                throw NotXmlRpc("<value> mixes text with a typed value");
            }

            return typed;
        }

        private XmlRpcValue ReadTyped()
        {
            CheckDepth();
            string type = reader.LocalName;
            switch (type)
            {
                case "i4" or "int" or "i8" or "i1" or "i2":
                    return ReadInteger();
                case "boolean":
                    return ReadText().Trim() switch
                    {
                        "1" or "true" => XmlRpcValue.True,
                        "0" or "false" => XmlRpcValue.False,
                        var bad => throw Bad($"'{Shorten(bad)}' is not a boolean (0 or 1)"),
                    };
                case "string":
                    return XmlRpcValue.From(ReadText());
                case "double" or "float":
                    return XmlRpcValue.From(ParseDouble(ReadText().Trim()));
                case "dateTime.iso8601":
                    return XmlRpcValue.From(ParseDateTime(ReadText().Trim()));
                case "base64":
                    return ReadBase64();
                case "nil":
                    ReadText();
                    return XmlRpcValue.Nil;
                case "struct":
                    return ReadStruct();
                case "array":
                    return ReadArray();
                default:
                    throw NotXmlRpc($"unknown value type <{type}>");
            }
        }

        private XmlRpcValue ReadInteger()
        {
            string text = ReadText().Trim();
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                throw Bad($"'{Shorten(text)}' is not an integer");
            }

            // <i4>/<int> are 32-bit by the spec, but PHP and JavaScript clients overflow into them; keep the number.
            return XmlRpcValue.From(value);
        }

        private XmlRpcValue ReadBase64()
        {
            string text = ReadText();
            var compact = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                if (!char.IsWhiteSpace(c))
                {
                    compact.Append(c);
                }
            }

            try
            {
                return XmlRpcValue.From(Convert.FromBase64String(compact.ToString()));
            }
            catch (FormatException)
            {
                throw Bad("<base64> is not valid base64");
            }
        }

        private XmlRpcValue ReadStruct()
        {
            var members = new List<KeyValuePair<string, XmlRpcValue>>();
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return XmlRpcValue.Struct(members);
            }

            reader.Read();
            while (NextElement())
            {
                if (reader.LocalName != "member" || reader.IsEmptyElement)
                {
                    throw NotXmlRpc($"unexpected <{reader.LocalName}> in <struct>");
                }

                CheckDepth();
                reader.Read();
                string? name = null;
                XmlRpcValue? value = null;
                while (NextElement())
                {
                    switch (reader.LocalName)
                    {
                        case "name" when name is null:
                            name = ReadText();
                            break;
                        case "value" when value is null:
                            value = ReadValue();
                            break;
                        default:
                            throw NotXmlRpc("a <member> holds one <name> and one <value>");
                    }
                }

                reader.Read(); // </member>
                if (name is null || value is null)
                {
                    throw NotXmlRpc("a <member> holds one <name> and one <value>");
                }

                members.Add(KeyValuePair.Create(name, value));
            }

            reader.Read(); // </struct>
            return XmlRpcValue.Struct(members);
        }

        private XmlRpcValue ReadArray()
        {
            var items = new List<XmlRpcValue>();
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return XmlRpcValue.Array(items);
            }

            reader.Read();
            while (NextElement())
            {
                if (reader.LocalName != "data")
                {
                    throw NotXmlRpc($"unexpected <{reader.LocalName}> in <array>");
                }

                CheckDepth();
                if (reader.IsEmptyElement)
                {
                    reader.Read();
                    continue;
                }

                reader.Read();
                while (NextElement())
                {
                    if (reader.LocalName != "value")
                    {
                        throw NotXmlRpc($"unexpected <{reader.LocalName}> in <data>");
                    }

                    items.Add(ReadValue());
                }

                reader.Read(); // </data>
            }

            reader.Read(); // </array>
            return XmlRpcValue.Array(items);
        }

        /// <summary>Text and CDATA of an element with no child elements; consumes its end tag.</summary>
        private string ReadText()
        {
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return string.Empty;
            }

            var text = new StringBuilder();
            reader.Read();
            while (reader.NodeType != XmlNodeType.EndElement)
            {
                if (reader.NodeType is XmlNodeType.Element)
                {
                    throw NotXmlRpc($"unexpected <{reader.LocalName}> inside a scalar");
                }

                if (reader.NodeType is XmlNodeType.None)
                {
                    throw new XmlException("unexpected end of document");
                }

                if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                {
                    text.Append(reader.Value);
                }

                reader.Read();
            }

            reader.Read();
            return text.ToString();
        }

        /// <summary>Skips whitespace to the next element; false at the parent's end tag.</summary>
        private bool NextElement()
        {
            while (true)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        return true;
                    case XmlNodeType.EndElement:
                        return false;
                    case XmlNodeType.None:
                        throw new XmlException("unexpected end of document");
                    case XmlNodeType.Text or XmlNodeType.CDATA when !string.IsNullOrWhiteSpace(reader.Value):
                        throw NotXmlRpc($"unexpected text '{Shorten(reader.Value.Trim())}'");
                    default:
                        reader.Read();
                        break;
                }
            }
        }

        private void MoveToContent()
        {
            if (reader.MoveToContent() == XmlNodeType.None)
            {
                throw new XmlException("the request body is empty");
            }
        }

        private void CheckDepth()
        {
            if (reader.Depth > maxDepth)
            {
                throw new XmlRpcFault(XmlRpcFault.ParseError, $"parse error: values nested deeper than {maxDepth} levels");
            }
        }

        private static double ParseDouble(string text) => text.ToLowerInvariant() switch
        {
            "inf" or "+inf" or "infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            "nan" or "-nan" => double.NaN,
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) => value,
            _ => throw Bad($"'{Shorten(text)}' is not a double"),
        };

        private static readonly string[] s_dateFormats =
        [
            "yyyyMMdd'T'HH:mm:ss", "yyyyMMdd'T'HHmmss", "yyyy-MM-dd'T'HH:mm:ss", "yyyyMMdd'T'HH:mm:ss'Z'",
            "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ssK", "yyyyMMdd'T'HH:mm:ssK",
        ];

        private static DateTime ParseDateTime(string text) =>
            DateTime.TryParseExact(text, s_dateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime value)
                ? value
                : throw Bad($"'{Shorten(text)}' is not an ISO 8601 date and time");

        private static XmlRpcFault NotXmlRpc(string message) => new(XmlRpcFault.NotXmlRpc, $"not XML-RPC: {message}");

        private static XmlRpcFault Bad(string message) => new(XmlRpcFault.NotXmlRpc, $"not XML-RPC: {message}");

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
    }
}
