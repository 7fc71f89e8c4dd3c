using System.Buffers.Text;
using Pyctd.Conntrack;
using Pyctd.Domain.Fields;
using Pyctd.Output;

namespace Pyctd.Serve.XmlRpc;

/// <summary>
/// A connection's fields as members of the struct the caller has opened (<see cref="BeginStruct"/>):
/// each call writes &lt;member&gt;&lt;name&gt;…&lt;/name&gt;&lt;value&gt;…&lt;/value&gt;&lt;/member&gt;.
/// Ids are strings (u32 does not fit XML-RPC's signed 32-bit &lt;int&gt;), a missing value is ""
/// (no null that every client reads), kernel text is made safe rather than faulted.
/// </summary>
internal sealed partial class XmlRpcWriter : IFieldWriter
{
    // "<member><name>" + "</name>" + the longest value opening, "<value><array><data>".
    private const int MemberMarkupLength = 14 + 7 + 20;

    public void Number(ReadOnlySpan<byte> name, ulong value)
    {
        BeginMember(name);
        Integer(value);
        EndMember();
    }

    /// <summary>The same 32 bits as a signed &lt;int&gt; (what the server reads back); with --i8, unsigned.</summary>
    public void Word32(ReadOnlySpan<byte> name, uint value)
    {
        BeginMember(name);
        if (_i8)
        {
            Integer(value);
        }
        else
        {
            Integer((int)value);
        }

        EndMember();
    }

    /// <summary>&lt;double&gt; holding the exact digits (exact as a double up to 2^53); with --i8, &lt;int&gt; or &lt;i8&gt;.</summary>
    public void Count(ReadOnlySpan<byte> name, ulong value)
    {
        BeginMember(name);
        if (_i8)
        {
            Integer(value);
        }
        else
        {
            WholeDouble(negative: false, value);
        }

        EndMember();
    }

    public void Id(ReadOnlySpan<byte> name, uint value)
    {
        BeginStringMember(name);
        Utf8Formatter.TryFormat(value, Reserve(10), out int written);
        Advance(written);
        EndStringMember();
    }

    public void Text(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        BeginStringMember(name);
        Advance(XmlText.EscapeOrReplace(value, Reserve(value.Length * XmlText.MaxBytesPerUnit)));
        EndStringMember();
    }

    public void Missing(ReadOnlySpan<byte> name)
    {
        BeginStringMember(name);
        EndStringMember();
    }

    public void Address(ReadOnlySpan<byte> name, byte family, in AddressBytes address)
    {
        BeginStringMember(name);
        Advance(AddressText.Format(family, address, Reserve(AddressText.MaxLength)));
        EndStringMember();
    }

    public void BeginList(ReadOnlySpan<byte> name)
    {
        BeginMember(name);
        BeginArray();
    }

    public void ListText(ReadOnlySpan<byte> value)
    {
        Write("<value><string>"u8);
        Advance(XmlText.EscapeOrReplace(value, Reserve(value.Length * XmlText.MaxBytesPerUnit)));
        Write("</string></value>"u8);
    }

    public void ListNumber(ulong value) => Integer(value);

    public void EndList()
    {
        EndArray();
        EndMember();
    }

    /// <summary>&lt;member&gt;&lt;name&gt;name&lt;/name&gt;&lt;value&gt;&lt;string&gt; in one reservation: most fields are strings.</summary>
    private void BeginStringMember(ReadOnlySpan<byte> name)
    {
        Span<byte> destination = Reserve(name.Length + MemberMarkupLength);
        int length = Copy("<member><name>"u8, destination);
        length += Copy(name, destination[length..]);
        length += Copy("</name><value><string>"u8, destination[length..]);
        Advance(length);
    }

    private void EndStringMember() => Write("</string></value></member>"u8);
}
