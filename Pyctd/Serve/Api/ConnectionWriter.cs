using System.Text;
using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Fields;
using Pyctd.Output;
using Pyctd.Serve.Snapshots;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>
/// Writes one connection struct of view(): the catalog's fields, as JSON has them, with the id as a
/// string (ids are u32, XML-RPC ints signed 32-bit) and a missing state as "".
/// </summary>
internal static class ConnectionWriter
{
    public static void Write(IXmlRpcOutput output, Snapshot snapshot, int index)
    {
        snapshot.TryRead(index, out ConntrackRecord record, out Rates rates);
        Write(output, record, rates);
    }

    public static void Write(IXmlRpcOutput output, in ConntrackRecord record, in Rates rates)
    {
        output.BeginStruct();
        var fields = new OutputFieldWriter(output);
        FieldWriting.WriteFields(ref fields, record, rates);
        output.EndStruct();
    }

    /// <summary>The catalog's fields onto an <see cref="IXmlRpcOutput"/>.</summary>
    private struct OutputFieldWriter(IXmlRpcOutput output) : IFieldWriter
    {
        public readonly void Number(scoped ReadOnlySpan<byte> name, ulong value) =>
            output.Member(Name(name), value <= long.MaxValue ? (long)value : long.MaxValue);

        public readonly void Id(scoped ReadOnlySpan<byte> name, uint value) =>
            output.Member(Name(name), value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public readonly void Text(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value) =>
            output.Member(Name(name), Latin1(value));

        public readonly void Missing(scoped ReadOnlySpan<byte> name) => output.Member(Name(name), string.Empty);

        public readonly void Address(scoped ReadOnlySpan<byte> name, byte family, in AddressBytes address)
        {
            Span<byte> text = stackalloc byte[AddressText.MaxLength];
            output.Member(Name(name), Encoding.ASCII.GetString(text[..AddressText.Format(family, address, text)]));
        }

        public readonly void BeginList(scoped ReadOnlySpan<byte> name)
        {
            output.BeginMember(Name(name));
            output.BeginArray();
        }

        public readonly void ListText(scoped ReadOnlySpan<byte> value) => output.String(Latin1(value));

        public readonly void ListNumber(ulong value) => output.Integer((long)value);

        public readonly void EndList()
        {
            output.EndArray();
            output.EndMember();
        }

        private static string Name(ReadOnlySpan<byte> name) => Encoding.ASCII.GetString(name);

        /// <summary>Kernel strings are not trusted to be UTF-8; control bytes XML cannot carry become '?'.</summary>
        private static string Latin1(ReadOnlySpan<byte> value)
        {
            return new string(Encoding.Latin1.GetString(value).Select(static c => System.Xml.XmlConvert.IsXmlChar(c) ? c : '?').ToArray());
        }
    }
}
