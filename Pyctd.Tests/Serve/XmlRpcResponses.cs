using System.Text;
using System.Xml;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Tests.Serve;

/// <summary>Reads a written methodResponse back, with our reader and with a strict System.Xml one.</summary>
internal static class XmlRpcResponses
{
    /// <summary>The response's value, read by our XmlRpcReader as a call's only parameter.</summary>
    public static XmlRpcValue ReadBack(string response)
    {
        string call = response.Replace("<methodResponse>", "<methodCall><methodName>r</methodName>", StringComparison.Ordinal)
            .Replace("</methodResponse>", "</methodCall>", StringComparison.Ordinal);
        return XmlRpcReader.ReadCall(new MemoryStream(Encoding.UTF8.GetBytes(call)), 100_000_000).Parameters.Single();
    }

    /// <summary>The text of every element named <paramref name="element"/>, as System.Xml sees it (characters checked).</summary>
    public static List<string> ElementTexts(string xml, string element)
    {
        var texts = new List<string>();
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit });
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == element)
            {
                texts.Add(reader.IsEmptyElement ? string.Empty : reader.ReadElementContentAsString());
            }
        }

        return texts;
    }
}
