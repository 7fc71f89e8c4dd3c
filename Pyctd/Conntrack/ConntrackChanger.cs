using DotNext.Buffers;
using Pyctd.Interop;

namespace Pyctd.Conntrack;

/// <summary>
/// Sends deletes or updates for a list of entries over one netlink socket, many requests per
/// sendmsg, and matches each acknowledgement to its entry by sequence number. One entry that is
/// gone or refused does not stop the others; a permission error stops everything.
/// </summary>
internal sealed class ConntrackChanger : IDisposable
{
    /// <summary>Requests per sendmsg: the kernel answers each with an ack that must fit our receive queue.</summary>
    public const int BatchSize = 256;

    private const int ReceiveBufferSize = 64 * 1024;
    private const int SocketReceiveQueue = 8 * 1024 * 1024;

    private static readonly UnmanagedMemoryPool<byte> s_buffers = new(ReceiveBufferSize);

    private readonly NetlinkSocket _socket;
    private readonly System.Buffers.IMemoryOwner<byte> _sendBuffer;
    private readonly System.Buffers.IMemoryOwner<byte> _receiveBuffer;
    private uint _sequence;

    public ConntrackChanger(string? netns)
    {
        NetfilterLibrary.EnsureLoaded();
        _socket = NetlinkSocket.Open(netns);
        _socket.SetReceiveBufferSize(SocketReceiveQueue);
        _sendBuffer = s_buffers.Rent(BatchSize * ConntrackRequests.MaxChangeRequestLength);
        _receiveBuffer = s_buffers.Rent(ReceiveBufferSize);
        _sequence = (uint)Environment.TickCount ^ 0x5a5a0000;
    }

    /// <summary>Applies <paramref name="change"/> to every record; <paramref name="results"/> gets one slot per record.</summary>
    public void Apply(ReadOnlySpan<ConntrackRecord> records, in ConnectionChange change, Span<ChangeResult> results)
    {
        if (results.Length < records.Length)
        {
            throw new ArgumentException("one result slot per record", nameof(results));
        }

        for (int start = 0; start < records.Length; start += BatchSize)
        {
            int count = Math.Min(BatchSize, records.Length - start);
            ApplyBatch(records.Slice(start, count), change, results.Slice(start, count));
        }
    }

    private void ApplyBatch(ReadOnlySpan<ConntrackRecord> records, in ConnectionChange change, Span<ChangeResult> results)
    {
        uint firstSequence = _sequence + 1;
        Span<byte> send = _sendBuffer.Memory.Span;
        int length = 0;
        for (int i = 0; i < records.Length; i++)
        {
            length += Netlink.Align(ConntrackRequests.BuildChange(send[length..], records[i], change, ++_sequence));
        }

        _socket.Send(send[..length]);

        int pending = records.Length;
        Span<bool> answered = stackalloc bool[records.Length];
        Span<byte> buffer = _receiveBuffer.Memory.Span;
        while (pending > 0)
        {
            var reader = new NetlinkMessageReader(buffer[.._socket.Receive(buffer)]);
            while (reader.TryRead(out NetlinkMessage message))
            {
                if (message.Type != Netlink.NLMSG_ERROR || message.Payload.Length < 4)
                {
                    continue;
                }

                int index = (int)(message.Sequence - firstSequence);
                if ((uint)index >= (uint)records.Length || answered[index])
                {
                    continue; // not one of this batch's
                }

                answered[index] = true;
                pending--;
                results[index] = ChangeResult.FromAcknowledgement(message.Errno);
            }

            if (reader.Malformed)
            {
                throw new PyctdException(ExitCode.Failure, "malformed netlink acknowledgement from the kernel");
            }
        }
    }

    public void Dispose()
    {
        _sendBuffer.Dispose();
        _receiveBuffer.Dispose();
        _socket.Dispose();
    }
}
