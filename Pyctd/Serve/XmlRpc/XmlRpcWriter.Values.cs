using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace Pyctd.Serve.XmlRpc;

/// <summary>Values: scalars as &lt;value&gt;&lt;type&gt;text&lt;/type&gt;&lt;/value&gt;, structs and arrays opened and closed by the caller.</summary>
internal sealed partial class XmlRpcWriter
{
    // "<value><double>" + a sign and a ulong's 20 digits + "</double></value>", rounded up.
    private const int MaxIntegerValueLength = 56;

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
                Double(value.Double);
                break;
            case XmlRpcKind.DateTime:
                DateTime(value.DateTime);
                break;
            case XmlRpcKind.Base64:
                Base64(value.Bytes);
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

    /// <summary>
    /// &lt;int&gt; within 32 bits. Beyond, &lt;double&gt; with the exact digits: every client reads it
    /// (several fail on &lt;i8&gt;, docs/xmlrpc-api.md), and it is exact to 2^53. With --i8, &lt;i8&gt;.
    /// </summary>
    public void Integer(long value) =>
        Integer(negative: value < 0, value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value);

    /// <summary>
    /// An unsigned integer, the same way. Above 2^63−1 (a counter no kernel reaches) the exact
    /// digits still go out: Python reads them exactly, and a wrong number would be worse than one a
    /// strict client refuses.
    /// </summary>
    private void Integer(ulong value) => Integer(negative: false, value);

    private void Integer(bool negative, ulong magnitude)
    {
        bool narrow = magnitude <= (negative ? 1UL + int.MaxValue : int.MaxValue);
        if (!narrow && !_i8)
        {
            WholeDouble(negative, magnitude);
            return;
        }

        Span<byte> destination = Reserve(MaxIntegerValueLength);
        int length = Copy(narrow ? "<value><int>"u8 : "<value><i8>"u8, destination);
        length += Digits(negative, magnitude, destination[length..]);
        length += Copy(narrow ? "</int></value>"u8 : "</i8></value>"u8, destination[length..]);
        Advance(length);
    }

    /// <summary>
    /// A whole number as &lt;double&gt;: its decimal digits, no point and no exponent (the XML-RPC
    /// spec allows none), so clients that keep the text (Perl) have the exact value and the others
    /// parse it as a double, exact to 2^53.
    /// </summary>
    private void WholeDouble(bool negative, ulong magnitude)
    {
        Span<byte> destination = Reserve(MaxIntegerValueLength);
        int length = Copy("<value><double>"u8, destination);
        length += Digits(negative, magnitude, destination[length..]);
        length += Copy("</double></value>"u8, destination[length..]);
        Advance(length);
    }

    private static int Digits(bool negative, ulong magnitude, Span<byte> destination)
    {
        int length = 0;
        if (negative)
        {
            destination[length++] = (byte)'-';
        }

        Utf8Formatter.TryFormat(magnitude, destination[length..], out int digits);
        return length + digits;
    }

    public void Boolean(bool value) => Write(value ? "<value><boolean>1</boolean></value>"u8 : "<value><boolean>0</boolean></value>"u8);

    /// <summary>A string: the -32603 fault on a character XML cannot carry (check first with <see cref="EnsureWritable(XmlRpcValue)"/>).</summary>
    public void String(ReadOnlySpan<char> value)
    {
        Write("<value><string>"u8);
        Advance(XmlText.Escape(value, Reserve(value.Length * XmlText.MaxBytesPerUnit)));
        Write("</string></value>"u8);
    }

    /// <summary>Python's inf, -inf and nan for the non-finite values; otherwise the shortest text that reads back exactly.</summary>
    public void Double(double value)
    {
        Write("<value><double>"u8);
        if (double.IsFinite(value))
        {
            value.TryFormat(Reserve(32), out int written, "R", CultureInfo.InvariantCulture);
            Advance(written);
        }
        else
        {
            Write(double.IsNaN(value) ? "nan"u8 : value > 0 ? "inf"u8 : "-inf"u8);
        }

        Write("</double></value>"u8);
    }

    /// <summary>UTC as yyyyMMddTHH:mm:ss, the form every XML-RPC client parses.</summary>
    public void DateTime(DateTime value)
    {
        DateTime utc = value.ToUniversalTime();
        Write("<value><dateTime.iso8601>"u8);
        Span<byte> text = Reserve(17);
        Digits(utc.Year, 4, text);
        Digits(utc.Month, 2, text[4..]);
        Digits(utc.Day, 2, text[6..]);
        text[8] = (byte)'T';
        Digits(utc.Hour, 2, text[9..]);
        text[11] = (byte)':';
        Digits(utc.Minute, 2, text[12..]);
        text[14] = (byte)':';
        Digits(utc.Second, 2, text[15..]);
        Advance(17);
        Write("</dateTime.iso8601></value>"u8);
    }

    public void Base64(ReadOnlySpan<byte> value)
    {
        Write("<value><base64>"u8);
        System.Buffers.Text.Base64.EncodeToUtf8(value, Reserve(System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(value.Length)), out _, out int written);
        Advance(written);
        Write("</base64></value>"u8);
    }

    public void BeginStruct() => Write("<value><struct>"u8);

    public void EndStruct() => Write("</struct></value>"u8);

    /// <summary>A member name we chose (ASCII, nothing to escape); follow with one value and <see cref="EndMember"/>.</summary>
    public void BeginMember(ReadOnlySpan<byte> name)
    {
        Write("<member><name>"u8);
        Write(name);
        Write("</name>"u8);
    }

    /// <summary>A member name from a value, escaped.</summary>
    public void BeginMember(ReadOnlySpan<char> name)
    {
        Write("<member><name>"u8);
        Advance(XmlText.Escape(name, Reserve(name.Length * XmlText.MaxBytesPerUnit)));
        Write("</name>"u8);
    }

    public void EndMember() => Write("</member>"u8);

    public void Member(ReadOnlySpan<byte> name, long value)
    {
        BeginMember(name);
        Integer(value);
        EndMember();
    }

    public void BeginArray() => Write("<value><array><data>"u8);

    public void EndArray() => Write("</data></array></value>"u8);

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    private static void Digits(int value, byte width, Span<byte> destination) =>
        Utf8Formatter.TryFormat(value, destination, out _, new StandardFormat('D', width));
}
