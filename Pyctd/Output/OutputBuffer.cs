using System.Buffers;
using System.Buffers.Text;

namespace Pyctd.Output;

/// <summary>
/// Collects UTF-8 output in one pooled buffer and hands it to the stream in large writes. Writers
/// reserve the worst case for a piece, format into it, then advance — no strings per entry.
/// </summary>
internal sealed class OutputBuffer : IDisposable
{
    private const int FlushThreshold = 60 * 1024;
    private const int Capacity = 64 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _length;

    public OutputBuffer(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(Capacity);
    }

    /// <summary>Returns at least <paramref name="size"/> writable bytes; call <see cref="Advance"/> with what was used.</summary>
    public Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _length < size)
        {
            Flush();
            if (_buffer.Length < size)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(size);
            }
        }

        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    /// <summary>Called between entries: writes out once enough has gathered.</summary>
    public void EndEntry()
    {
        if (_length >= FlushThreshold)
        {
            Flush();
        }
    }

    public void Write(ReadOnlySpan<byte> text)
    {
        text.CopyTo(Reserve(text.Length));
        _length += text.Length;
    }

    public void Write(byte value)
    {
        Reserve(1)[0] = value;
        _length++;
    }

    public void Write(ulong value)
    {
        Utf8Formatter.TryFormat(value, Reserve(20), out int written);
        _length += written;
    }

    /// <summary>Writes <paramref name="text"/> and pads with spaces to <paramref name="width"/> (left-aligned column).</summary>
    public void WritePadded(ReadOnlySpan<byte> text, int width)
    {
        Write(text);
        WriteSpaces(width - text.Length);
    }

    /// <summary>Right-aligns <paramref name="text"/> in <paramref name="width"/> columns.</summary>
    public void WriteRightAligned(ReadOnlySpan<byte> text, int width)
    {
        WriteSpaces(width - text.Length);
        Write(text);
    }

    public void WriteSpaces(int count)
    {
        if (count <= 0)
        {
            return;
        }

        Reserve(count)[..count].Fill((byte)' ');
        _length += count;
    }

    /// <summary>Drops what has not been written yet, so a failed listing does not end in a stray header.</summary>
    public void Discard() => _length = 0;

    public void Flush()
    {
        if (_length > 0)
        {
            _stream.Write(_buffer, 0, _length);
            _length = 0;
        }

        _stream.Flush();
    }

    public void Dispose()
    {
        Flush();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
