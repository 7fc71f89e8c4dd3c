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

        if (change.Kind == ChangeKind.FixedTimeout)
        {
            RetryBusy(records, change, results);
        }
    }

    /// <summary>
    /// A fixed timeout carries the entry's status bits, and the kernel refuses it (EBUSY) when the
    /// entry has gained SEEN_REPLY or ASSURED since it was read. Each such entry is read again and
    /// the change sent once more with its current bits: rare (a reply in the meantime), so one at a time.
    /// </summary>
    private void RetryBusy(ReadOnlySpan<ConntrackRecord> records, in ConnectionChange change, Span<ChangeResult> results)
    {
        for (int i = 0; i < records.Length; i++)
        {
            if (!results[i].IsBusy)
            {
                continue;
            }

            if (!TryReadStatus(records[i], out uint status))
            {
                results[i] = ChangeResult.Gone;
                continue;
            }

            ConntrackRecord current = records[i];
            current.Status = status;
            ApplyBatch(new ReadOnlySpan<ConntrackRecord>(in current), change, results.Slice(i, 1));
        }
    }

    /// <summary>The entry's status bits as the kernel has them now; false when it is gone (or its tuple now belongs to another id).</summary>
    private bool TryReadStatus(in ConntrackRecord record, out uint status)
    {
        status = 0;
        uint sequence = ++_sequence;
        Span<byte> send = _sendBuffer.Memory.Span;
        _socket.Send(send[..ConntrackRequests.BuildGet(send, record, sequence)]);

        bool found = false;
        Span<byte> buffer = _receiveBuffer.Memory.Span;
        while (true)
        {
            var reader = new NetlinkMessageReader(buffer[.._socket.Receive(buffer)]);
            while (reader.TryRead(out NetlinkMessage message))
            {
                if (message.Sequence != sequence)
                {
                    continue;
                }

                if (message.Type == Netlink.NLMSG_ERROR)
                {
                    // An error alone (ENOENT): the entry is gone. After the entry comes its ack, which
                    // is left in the queue; later batches skip sequence numbers not theirs.
                    return found;
                }

                if (message.Type == Netlink.CtMessage(Netlink.IPCTNL_MSG_CT_NEW) && message.Payload.Length >= Netlink.NfgenHeaderLength)
                {
                    ConntrackMessageParser.Parse(message.Payload[0], message.Payload[Netlink.NfgenHeaderLength..], out ConntrackRecord now);
                    found = now.Id == record.Id && now.Has(RecordFields.Status);
                    status = now.Status;
                    return found;
                }
            }

            if (reader.Malformed)
            {
                throw new PyctdException(ExitCode.Failure, "malformed netlink answer from the kernel");
            }
        }
    }

    private void ApplyBatch(ReadOnlySpan<ConntrackRecord> records, in ConnectionChange change, Span<ChangeResult> results)
    {
        uint firstSequence = _sequence + 1;
        Span<byte> send = _sendBuffer.Memory.Span;
        int length = 0;
        int pending = records.Length;
        Span<bool> answered = stackalloc bool[records.Length];
        for (int i = 0; i < records.Length; i++)
        {
            ++_sequence;
            if (change.IsTimeout && (records[i].Status & ConntrackStatus.FixedTimeout) != 0)
            {
                // The kernel would answer EPERM, which reads as "permission denied" for the whole run.
                results[i] = ChangeResult.TimeoutFixed;
                answered[i] = true;
                pending--;
                continue;
            }

            length += Netlink.Align(ConntrackRequests.BuildChange(send[length..], records[i], change, _sequence));
        }

        if (length > 0)
        {
            _socket.Send(send[..length]);
        }

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
