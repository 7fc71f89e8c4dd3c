using DotNext.Buffers;

namespace Pyctd.Serve;

/// <summary>
/// A request body, read asynchronously into one pooled buffer, then parsed from memory: a client
/// that sends its body slowly, or stops half-way, holds no thread while it waits (a synchronous
/// read held one each, and fifty such clients starved the server). The buffer grows by doubling
/// as bytes actually arrive, never from the Content-Length a client announces, so stalled
/// requests cost a few kilobytes each however large they claim to be.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialCapacity = 4 * 1024;

    // DotNext's pooled writer: rented from ArrayPool<byte>.Shared, grows by doubling, returned on Dispose.
    private readonly PoolingArrayBufferWriter<byte> _buffer = new() { Capacity = InitialCapacity };

    private RequestBody()
    {
    }

    /// <summary>
    /// Reads <paramref name="source"/> to its end; <see cref="RequestTooLargeException"/> past
    /// <paramref name="limit"/> bytes (after decompression, when the source is a GZipStream).
    /// </summary>
    public static async Task<RequestBody> ReadAsync(Stream source, long limit, CancellationToken aborted)
    {
        // One byte more than allowed tells "too large" from "exactly at the limit".
        long cap = limit + 1;
        var body = new RequestBody();
        try
        {
            while (body.Length < cap)
            {
                Memory<byte> free = body._buffer.GetMemory(1);
                int read = await source.ReadAsync(free[..(int)Math.Min(free.Length, cap - body.Length)], aborted);
                if (read == 0)
                {
                    return body;
                }

                body._buffer.Advance(read);
            }

            throw new RequestTooLargeException(limit);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> AsSpan() => _buffer.WrittenMemory.Span;

    /// <summary>The body as a read-only stream over the buffer; valid until disposed.</summary>
    public Stream AsStream()
    {
        ArraySegment<byte> written = _buffer.WrittenArray;
        return new MemoryStream(written.Array!, written.Offset, written.Count, writable: false);
    }

    public void Dispose() => _buffer.Dispose();
}

/// <summary>Which of the two framings a body sent as Content-Encoding: deflate has.</summary>
internal static class DeflateFraming
{
    /// <summary>
    /// A zlib header (RFC 1950): compression method 8 in the low nibble of the first byte, and the
    /// first two bytes, big-endian, a multiple of 31. A raw deflate stream can start that way only
    /// by chance, rarely enough that clients sending it are served too.
    /// </summary>
    public static bool IsZlib(ReadOnlySpan<byte> body) =>
        body.Length >= 2 && (body[0] & 0x0F) == 8 && ((body[0] << 8) | body[1]) % 31 == 0;
}

internal sealed class RequestTooLargeException(long limit) : Exception($"the request is larger than {limit} bytes")
{
    public long Limit { get; } = limit;
}
