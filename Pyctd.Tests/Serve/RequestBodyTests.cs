using System.IO.Compression;
using Pyctd.Serve;

namespace Pyctd.Tests.Serve;

public sealed class RequestBodyTests
{
    private static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(static i => (byte)('a' + (i % 26))).ToArray();

    private static async Task<byte[]> ReadAll(Stream source, long limit)
    {
        using RequestBody body = await RequestBody.ReadAsync(source, limit, CancellationToken.None);
        using var copy = new MemoryStream();
        await body.AsStream().CopyToAsync(copy);
        Assert.Equal(body.Length, copy.Length);
        return copy.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public async Task ReadAsync_UpToTheLimit_ReadsEveryByte(int length)
    {
        byte[] sent = Bytes(length);
        Assert.Equal(sent, await ReadAll(new MemoryStream(sent), limit: 1_000_000));
    }

    [Fact]
    public async Task ReadAsync_OneByteOverTheLimit_IsTooLarge()
    {
        var tooLarge = await Assert.ThrowsAsync<RequestTooLargeException>(() => ReadAll(new MemoryStream(Bytes(1001)), limit: 1000));
        Assert.Contains("larger than 1000 bytes", tooLarge.Message);
    }

    [Fact]
    public async Task ReadAsync_ByteByByte_ReadsEveryByte()
    {
        byte[] sent = Bytes(10_000);
        Assert.Equal(sent, await ReadAll(new TrickleStream(sent), limit: 1_000_000));
    }

    [Fact]
    public async Task ReadAsync_GzipBomb_IsCappedAfterDecompression()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(new byte[16 * 1024 * 1024]);
        }

        compressed.Position = 0;
        await using var decompressing = new GZipStream(compressed, CompressionMode.Decompress);
        await Assert.ThrowsAsync<RequestTooLargeException>(() => ReadAll(decompressing, limit: 1024 * 1024));
    }

    [Fact]
    public async Task ReadAsync_Cancelled_Stops()
    {
        using var cancel = new CancellationTokenSource();
        var stalled = new TrickleStream(Bytes(10), stallAtEnd: true);
        Task<RequestBody> reading = RequestBody.ReadAsync(stalled, 1000, cancel.Token);
        await Task.Delay(50);
        Assert.False(reading.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    /// <summary>A slow sender: one byte per read, asynchronously; at the end, done or stalled until cancelled.</summary>
    private sealed class TrickleStream(byte[] data, bool stallAtEnd = false) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous read");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (_position == data.Length && stallAtEnd)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (_position == data.Length || buffer.IsEmpty)
            {
                return 0;
            }

            buffer.Span[0] = data[_position++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
