using System.Buffers.Text;
using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>
/// `-o json` (one array) and `-o jsonl` (one object per line). Field names are the XML-RPC API's.
/// Every value is a number, an ASCII string the formatter itself produced, or a list of such
/// strings, so nothing needs escaping except the helper name, which is escaped.
/// </summary>
internal sealed class JsonWriter(OutputBuffer output, bool lines) : IRecordWriter
{
    private const int MaxObjectLength = 1200;
    private bool _first = true;

    public void Begin()
    {
        if (!lines)
        {
            output.Write("["u8);
        }
    }

    public void Write(in ConntrackRecord record)
    {
        if (!lines)
        {
            output.Write(_first ? "\n"u8 : ",\n"u8);
        }

        _first = false;
        Span<byte> destination = output.Reserve(MaxObjectLength);
        var json = new JsonObjectWriter(destination);
        WriteObject(ref json, record);
        output.Advance(json.Finish());
        if (lines)
        {
            output.Write((byte)'\n');
        }

        output.EndEntry();
    }

    public void End()
    {
        if (!lines)
        {
            output.Write(_first ? "]\n"u8 : "\n]\n"u8);
        }
    }

    public static void WriteObject(ref JsonObjectWriter json, in ConntrackRecord record)
    {
        json.Number("id"u8, record.Id);
        json.String("family"u8, ConntrackNames.FamilyUtf8(record.Family));
        json.String("proto"u8, ConntrackNames.ProtocolUtf8(record.Protocol));
        json.Number("orig_l3proto"u8, record.Family);
        json.Number("orig_l4proto"u8, record.Protocol);
        WriteTuple(ref json, record, record.Original, "orig_src"u8, "orig_dst"u8, "orig_port_src"u8, "orig_port_dst"u8);
        WriteTuple(ref json, record, record.Reply, "repl_src"u8, "repl_dst"u8, "repl_port_src"u8, "repl_port_dst"u8);
        if (IpProtocols.IsIcmp(record.Protocol))
        {
            json.Number("icmp_type"u8, record.Original.IcmpType);
            json.Number("icmp_code"u8, record.Original.IcmpCode);
            json.Number("icmp_id"u8, record.Original.IcmpId);
        }

        ReadOnlySpan<byte> state = ConntrackNames.StateUtf8(record);
        if (state.IsEmpty)
        {
            json.Null("state"u8);
        }
        else
        {
            json.String("state"u8, state);
        }

        json.BeginArray("status"u8);
        for (int bit = 0; bit < ConntrackNames.StatusFlagCount; bit++)
        {
            if ((record.Status & (1u << bit)) != 0)
            {
                json.ArrayString(ConntrackNames.StatusFlagUtf8(bit));
            }
        }

        json.EndArray();
        json.Number("mark"u8, record.Mark);
        if (record.Has(RecordFields.Secmark))
        {
            json.Number("secmark"u8, record.Secmark);
        }

        json.Number("zone"u8, record.Zone);
        if (record.Has(RecordFields.OrigZone))
        {
            json.Number("orig_zone"u8, record.Original.Zone);
        }

        if (record.Has(RecordFields.ReplyZone))
        {
            json.Number("repl_zone"u8, record.Reply.Zone);
        }

        json.Number("timeout"u8, record.Timeout);
        json.Number("use"u8, record.Use);
        if (record.Has(RecordFields.OrigCounters))
        {
            json.Number("orig_packets"u8, record.OriginalCounters.Packets);
            json.Number("orig_bytes"u8, record.OriginalCounters.Bytes);
        }

        if (record.Has(RecordFields.ReplyCounters))
        {
            json.Number("repl_packets"u8, record.ReplyCounters.Packets);
            json.Number("repl_bytes"u8, record.ReplyCounters.Bytes);
        }

        if (record.Has(RecordFields.TimestampStart))
        {
            json.Number("start"u8, record.StartNanoseconds / 1_000_000_000);
        }

        if (record.Has(RecordFields.Helper))
        {
            json.String("helper"u8, record.HelperName);
        }

        if (record.Has(RecordFields.Labels))
        {
            json.BeginArray("labels"u8);
            ReadOnlySpan<byte> labels = record.Labels;
            for (int bit = 0; bit < labels.Length * 8; bit++)
            {
                // The kernel's bitmap is an array of host-order longs; on little-endian hosts bit n is byte n/8, bit n%8.
                if ((labels[bit >> 3] & (1 << (bit & 7))) != 0)
                {
                    json.ArrayNumber((ulong)bit);
                }
            }

            json.EndArray();
        }
    }

    private static void WriteTuple(
        ref JsonObjectWriter json, in ConntrackRecord record, in ConntrackTuple tuple,
        ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, ReadOnlySpan<byte> sport, ReadOnlySpan<byte> dport)
    {
        json.Address(src, record.Family, tuple.Source);
        json.Address(dst, record.Family, tuple.Destination);
        if (IpProtocols.HasPorts(tuple.Protocol))
        {
            json.Number(sport, tuple.SourcePort);
            json.Number(dport, tuple.DestinationPort);
        }
    }
}

/// <summary>Writes one flat JSON object into a span reserved for its worst case.</summary>
internal ref struct JsonObjectWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _length;
    private bool _needsComma;
    private bool _arrayNeedsComma;

    public int Finish()
    {
        _destination[_length++] = (byte)'}';
        return _length;
    }

    public void Number(scoped ReadOnlySpan<byte> name, ulong value)
    {
        Name(name);
        Utf8Formatter.TryFormat(value, _destination[_length..], out int written);
        _length += written;
    }

    public void String(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value)
    {
        Name(name);
        Quoted(value);
    }

    public void Null(scoped ReadOnlySpan<byte> name)
    {
        Name(name);
        Raw("null"u8);
    }

    public void Address(scoped ReadOnlySpan<byte> name, byte family, in AddressBytes address)
    {
        Name(name);
        _destination[_length++] = (byte)'"';
        _length += AddressText.Format(family, address, _destination[_length..]);
        _destination[_length++] = (byte)'"';
    }

    public void BeginArray(scoped ReadOnlySpan<byte> name)
    {
        Name(name);
        _destination[_length++] = (byte)'[';
        _arrayNeedsComma = false;
    }

    public void ArrayString(scoped ReadOnlySpan<byte> value)
    {
        ArrayComma();
        Quoted(value);
    }

    public void ArrayNumber(ulong value)
    {
        ArrayComma();
        Utf8Formatter.TryFormat(value, _destination[_length..], out int written);
        _length += written;
    }

    public void EndArray() => _destination[_length++] = (byte)']';

    private void ArrayComma()
    {
        if (_arrayNeedsComma)
        {
            _destination[_length++] = (byte)',';
        }

        _arrayNeedsComma = true;
    }

    private void Name(scoped ReadOnlySpan<byte> name)
    {
        _destination[_length++] = _needsComma ? (byte)',' : (byte)'{';
        _needsComma = true;
        Quoted(name);
        _destination[_length++] = (byte)':';
    }

    private void Raw(scoped ReadOnlySpan<byte> text)
    {
        text.CopyTo(_destination[_length..]);
        _length += text.Length;
    }

    /// <summary>Quotes <paramref name="value"/>, escaping what JSON requires (only a helper name could need it).</summary>
    private void Quoted(scoped ReadOnlySpan<byte> value)
    {
        _destination[_length++] = (byte)'"';
        foreach (byte b in value)
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                _destination[_length++] = (byte)'\\';
                _destination[_length++] = b;
            }
            else if (b < 0x20 || b >= 0x7f)
            {
                // Non-ASCII bytes of a kernel string are not trusted to be UTF-8: escape them as code points.
                Raw("\\u00"u8);
                _destination[_length++] = (byte)"0123456789abcdef"[b >> 4];
                _destination[_length++] = (byte)"0123456789abcdef"[b & 0xf];
            }
            else
            {
                _destination[_length++] = b;
            }
        }

        _destination[_length++] = (byte)'"';
    }
}
