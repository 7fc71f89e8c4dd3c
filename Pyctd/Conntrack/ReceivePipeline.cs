namespace Pyctd.Conntrack;

/// <summary>
/// Receives a dump on a second thread while the caller parses and formats. The kernel builds each
/// 32 KiB batch inside the recv call that collects the previous one, so on a dump that is mostly
/// kernel time this overlaps our work with the kernel's instead of taking turns. Batches come out
/// in the order they arrived, through a ring of <see cref="SlotCount"/> buffers: no allocation per batch.
/// </summary>
internal sealed class ReceivePipeline : IDisposable
{
    public const int SlotCount = 4;

    private readonly NetlinkSocket _socket;
    private readonly Memory<byte> _buffers;
    private readonly int _slotSize;
    private readonly uint _sequence;
    private readonly int[] _lengths = new int[SlotCount];
    private readonly SemaphoreSlim _free = new(SlotCount);
    private readonly SemaphoreSlim _filled = new(0);
    private readonly Thread _receiver;
    private Exception? _failure;
    private volatile bool _cancelled;
    private int _readSlot;

    /// <param name="buffers"><see cref="SlotCount"/> receive buffers back to back.</param>
    public ReceivePipeline(NetlinkSocket socket, Memory<byte> buffers, uint sequence)
    {
        _socket = socket;
        _buffers = buffers;
        _slotSize = buffers.Length / SlotCount;
        _sequence = sequence;
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "pyctd netlink receive" };
        _receiver.Start();
    }

    /// <summary>The next datagram, or false once the one holding NLMSG_DONE/NLMSG_ERROR has been taken.</summary>
    public bool TryTake(out ReadOnlySpan<byte> batch)
    {
        _filled.Wait();
        int length = _lengths[_readSlot];
        if (length < 0)
        {
            batch = default;
            if (_failure is not null)
            {
                throw _failure is PyctdException expected
                    ? new PyctdException(expected.Code, expected.Message, expected)
                    : new PyctdException(ExitCode.Failure, _failure.Message, _failure);
            }

            return false;
        }

        batch = _buffers.Span.Slice(_readSlot * _slotSize, length);
        return true;
    }

    /// <summary>Gives the batch last taken back to the receiver.</summary>
    public void Release()
    {
        _readSlot = (_readSlot + 1) % SlotCount;
        _free.Release();
    }

    private void ReceiveLoop()
    {
        int writeSlot = 0;
        try
        {
            while (true)
            {
                _free.Wait();
                if (_cancelled)
                {
                    return;
                }

                Span<byte> slot = _buffers.Span.Slice(writeSlot * _slotSize, _slotSize);
                int received = _socket.Receive(slot);
                bool last = EndsDump(slot[..received]);
                _lengths[writeSlot] = received;
                writeSlot = (writeSlot + 1) % SlotCount;
                _filled.Release();
                if (last)
                {
                    // The taker reads the end marker only after the final batch.
                    _free.Wait();
                    _lengths[writeSlot] = -1;
                    _filled.Release();
                    return;
                }
            }
        }
        catch (Exception failure)
        {
            _failure = failure;
            _lengths[writeSlot] = -1;
            _filled.Release();
        }
    }

    /// <summary>True when the datagram holds our NLMSG_DONE or NLMSG_ERROR: nothing more will come for this request.</summary>
    private bool EndsDump(ReadOnlySpan<byte> batch)
    {
        var reader = new NetlinkMessageReader(batch);
        while (reader.TryRead(out NetlinkMessage message))
        {
            if (message.Sequence == _sequence && message.Type is Netlink.NLMSG_DONE or Netlink.NLMSG_ERROR)
            {
                return true;
            }
        }

        // A malformed datagram also ends receiving; the parser reports it.
        return reader.Malformed;
    }

    public void Dispose()
    {
        // The taker may leave early (an exception while formatting): unblock the receiver and wait for it,
        // so it never touches the buffers after they are returned. A recv in progress ends with its batch.
        _cancelled = true;
        _free.Release(SlotCount);
        _receiver.Join();
        _free.Dispose();
        _filled.Dispose();
    }
}
