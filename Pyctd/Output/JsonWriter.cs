using System.Buffers.Text;
using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Fields;
using Pyctd.Domain.Query;

namespace Pyctd.Output;

/// <summary>
/// `-o json` (one array) and `-o jsonl` (one object per line): the field catalog's fields and names,
/// the same as view()'s rows. Every value is a number, an ASCII string the formatter itself produced,
/// or a list of such strings, so nothing needs escaping except the helper name, which is escaped.
/// </summary>
internal sealed class JsonWriter(OutputBuffer output, bool lines) : IRecordWriter
{
    /// <summary>Room reserved per object: a test writes a record with every field at its longest and holds this above it.</summary>
    public const int MaxObjectLength = 2048;
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
        var json = BeginObject();
        WriteObject(ref json, record);
        EndObject(ref json);
    }

    /// <summary>An event of `pyctd events`: "event" and "time" first, then the fields of <see cref="Write(in ConntrackRecord)"/>.</summary>
    public void Write(in ConntrackEvent conntrackEvent, in ConntrackRecord record)
    {
        var json = BeginObject();
        EventFields.Write(ref json, conntrackEvent, record);
        EndObject(ref json);
    }

    /// <summary>A group of `pyctd top`: its key and totals, as group()'s XML-RPC rows carry them.</summary>
    public void Write(GroupKey key, in GroupValue value, in GroupTotals totals)
    {
        var json = BeginObject();
        GroupWriting.WriteRow(ref json, key, value, totals);
        EndObject(ref json);
    }

    private JsonObjectWriter BeginObject()
    {
        if (!lines)
        {
            output.Write(_first ? "\n"u8 : ",\n"u8);
        }

        _first = false;
        return new JsonObjectWriter(output.Reserve(MaxObjectLength));
    }

    private void EndObject(ref JsonObjectWriter json)
    {
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

    /// <summary>The fields of the catalog, as JSON and XML-RPC share them; a list has no rates.</summary>
    public static void WriteObject(ref JsonObjectWriter json, in ConntrackRecord record) =>
        FieldWriting.WriteFields(ref json, record, Rates.None);
}

/// <summary>Writes one flat JSON object into a span reserved for its worst case.</summary>
internal ref struct JsonObjectWriter(Span<byte> destination) : IFieldWriter
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

    /// <summary>A number of seconds with six decimals ("12.000345"), from microseconds, without floating point.</summary>
    public void Seconds(scoped ReadOnlySpan<byte> name, ulong microseconds)
    {
        Name(name);
        Utf8Formatter.TryFormat(microseconds / 1_000_000, _destination[_length..], out int written);
        _length += written;
        _destination[_length++] = (byte)'.';
        Utf8Formatter.TryFormat(microseconds % 1_000_000, _destination[_length..], out written, new System.Buffers.StandardFormat('D', 6));
        _length += written;
    }

    public void String(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value)
    {
        Name(name);
        Quoted(value);
    }

    public void Id(scoped ReadOnlySpan<byte> name, uint value) => Number(name, value);

    /// <summary>JSON numbers have no width: words and counters are written as the numbers they are.</summary>
    public void Word32(scoped ReadOnlySpan<byte> name, uint value) => Number(name, value);

    public void Count(scoped ReadOnlySpan<byte> name, ulong value) => Number(name, value);

    public void Text(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value) => String(name, value);

    /// <summary>JSON has null, which every parser reads.</summary>
    public void Missing(scoped ReadOnlySpan<byte> name)
    {
        Name(name);
        Raw("null"u8);
    }

    public void BeginList(scoped ReadOnlySpan<byte> name) => BeginArray(name);

    public void ListText(scoped ReadOnlySpan<byte> value) => ArrayString(value);

    public void ListNumber(ulong value) => ArrayNumber(value);

    public void EndList() => EndArray();

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
