using DotNext.Buffers;

namespace Pyctd.Serve.XmlRpc;

/// <summary>
/// Writes a methodResponse as UTF-8 into one pooled buffer, which the caller hands to the response
/// with <see cref="FlushAsync"/> whenever <see cref="ChunkFull"/> says so: a 200,000-row view goes
/// out in constant memory, with no allocation per value or per row. What it writes every client
/// reads: &lt;int&gt; within 32 bits and &lt;double&gt; beyond, or &lt;i8&gt; with serve --i8 (never ex: tags), dates as
/// yyyyMMddTHH:mm:ss, void as boolean 1 and no &lt;nil/&gt; (PHP's client rejects it), \r kept as
/// &amp;#xD;. Values are in <c>XmlRpcWriter.Values.cs</c>, connection fields (<see cref="Domain.Fields.IFieldWriter"/>)
/// in <c>XmlRpcWriter.Fields.cs</c>.
/// </summary>
internal sealed partial class XmlRpcWriter(bool i8 = false) : IDisposable
{
    /// <summary>serve --i8: integers beyond 32 bits as the &lt;i8&gt; extension, words unsigned (docs/xmlrpc-api.md, "Numbers").</summary>
    private readonly bool _i8 = i8;

    /// <summary>How much gathers before it is worth a write to the response (a few dozen rows).</summary>
    public const int ChunkSize = 32 * 1024;

    // Room for a chunk plus the row that crosses it, so the buffer does not grow on a view.
    private const int InitialCapacity = 2 * ChunkSize;

    // DotNext's pooled writer: rented from ArrayPool<byte>.Shared, grows by doubling, returned on Dispose.
    private readonly PoolingArrayBufferWriter<byte> _buffer = new() { Capacity = InitialCapacity };

    /// <summary>Bytes written and not yet flushed.</summary>
    public int PendingLength => _buffer.WrittenCount;

    public ReadOnlySpan<byte> Pending => _buffer.WrittenMemory.Span;

    /// <summary>Bytes already handed to a stream: when 0 at the end, the whole response is <see cref="Pending"/> and its length is known.</summary>
    public long FlushedLength { get; private set; }

    public bool ChunkFull => _buffer.WrittenCount >= ChunkSize;

    /// <summary>Hands what is pending to <paramref name="destination"/> and empties the buffer.</summary>
    public async ValueTask FlushAsync(Stream destination, CancellationToken cancellation)
    {
        int length = _buffer.WrittenCount;
        if (length == 0)
        {
            return;
        }

        await destination.WriteAsync(_buffer.WrittenMemory, cancellation);
        FlushedLength += length;
        _buffer.Clear(reuseBuffer: true);
    }

    /// <summary>A whole methodResponse holding <paramref name="value"/>; the -32603 fault, with nothing written, if XML cannot carry one of its strings.</summary>
    public void Response(XmlRpcValue value)
    {
        EnsureWritable(value);
        BeginResponse();
        Value(value);
        EndResponse();
    }

    /// <summary>A whole fault methodResponse. Always writable: what XML cannot carry in the message becomes '?'.</summary>
    public void Fault(int code, string message)
    {
        Write("<?xml version=\"1.0\" encoding=\"utf-8\"?><methodResponse><fault>"u8);
        FaultStruct(code, message);
        Write("</fault></methodResponse>"u8);
    }

    /// <summary>The {faultCode, faultString} struct alone, as a multicall entry that failed.</summary>
    public void FaultStruct(int code, string message)
    {
        BeginStruct();
        Member("faultCode"u8, code);
        BeginMember("faultString"u8);
        Write("<value><string>"u8);
        Span<byte> destination = Reserve(message.Length * XmlText.MaxBytesPerUnit);
        Advance(XmlText.Escape(message, destination, replaceUnwritable: true));
        Write("</string></value>"u8);
        EndMember();
        EndStruct();
    }

    public void BeginResponse() => Write("<?xml version=\"1.0\" encoding=\"utf-8\"?><methodResponse><params><param>"u8);

    public void EndResponse() => Write("</param></params></methodResponse>"u8);

    /// <summary>Throws the -32603 fault when a string holds a character XML 1.0 cannot carry; call before writing starts.</summary>
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

    public static void EnsureWritable(ReadOnlySpan<char> text)
    {
        if (!XmlText.IsWritable(text))
        {
            throw XmlText.NotWritable();
        }
    }

    /// <summary>At least <paramref name="size"/> writable bytes at the end of the buffer. Follow with <see cref="Advance"/>.</summary>
    private Span<byte> Reserve(int size) => _buffer.GetSpan(size);

    private void Advance(int count) => _buffer.Advance(count);

    private void Write(ReadOnlySpan<byte> text)
    {
        text.CopyTo(_buffer.GetSpan(text.Length));
        _buffer.Advance(text.Length);
    }

    public void Dispose() => _buffer.Dispose();
}
