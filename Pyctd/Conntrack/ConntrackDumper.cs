using DotNext.Buffers;
using Pyctd.Interop;

namespace Pyctd.Conntrack;

/// <summary>
/// Reads the kernel's conntrack table over our own netlink socket: 32 KiB unmanaged receive
/// buffers (the kernel fills at most that much per batch) filled by a receiving thread, every
/// entry parsed in place into one record, filtered, and handed to a sink. Nothing is allocated per entry.
/// </summary>
internal sealed class ConntrackDumper : IDisposable
{
    /// <summary>The kernel caps a dump batch at 32 KiB; a larger buffer buys nothing.</summary>
    public const int ReceiveBufferSize = 32 * 1024;

    private static readonly UnmanagedMemoryPool<byte> s_buffers = new(ReceiveBufferSize * ReceivePipeline.SlotCount);

    private readonly NetlinkSocket _socket;
    private readonly System.Buffers.IMemoryOwner<byte> _receiveBuffer;
    private uint _sequence;

    public ConntrackDumper(string? netns)
    {
        NetfilterLibrary.EnsureLoaded();
        _socket = NetlinkSocket.Open(netns);
        _receiveBuffer = s_buffers.Rent(ReceiveBufferSize * ReceivePipeline.SlotCount);
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>Messages the kernel marked NLM_F_DUMP_INTR: the table changed while it was being read.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>
    /// Dumps what <paramref name="query"/> lets through the kernel and hands every entry to
    /// <paramref name="sink"/>, which filters further if it needs to; returns false if the sink ended it early.
    /// </summary>
    public bool Dump(in DumpQuery query, IRecordSink sink)
    {
        var parser = new ParsingHandler(sink);
        DumpMessages(query, parser);
        return !parser.Stopped;
    }

    /// <summary>
    /// The number of entries in the table: the kernel's own counter, read without a dump (as
    /// `conntrack -C` reads it). A dump walks every bucket of the hash table, which all network
    /// namespaces share, so counting by dumping costs as much as the host's whole table. On list's
    /// own socket and pooled buffer, unlike `stats` (<see cref="ConntrackStatistics"/>), which opens
    /// a requester of its own: `list -c` is a start-up path, measured in milliseconds.
    /// </summary>
    public uint CountEntries()
    {
        uint sequence = ++_sequence;
        Span<byte> request = stackalloc byte[ConntrackRequests.CountRequestLength];
        _socket.Send(request[..ConntrackRequests.BuildCount(request, sequence)]);

        Span<byte> answer = _receiveBuffer.Memory.Span[..ReceiveBufferSize];
        while (true)
        {
            var reader = new NetlinkMessageReader(answer[.._socket.Receive(answer)]);
            while (reader.TryRead(out NetlinkMessage message))
            {
                if (message.Sequence != sequence)
                {
                    continue; // a late answer to an earlier request
                }

                if (message.Type == Netlink.NLMSG_ERROR && message.Errno != 0)
                {
                    throw NativeErrors.FromErrno(message.Errno, "cannot count the conntrack table");
                }

                if (message.Type == Netlink.CtMessage(CtaStats.IPCTNL_MSG_CT_GET_STATS) && message.Payload.Length >= Netlink.NfgenHeaderLength)
                {
                    var attributes = new NetlinkAttributeReader(message.Payload[Netlink.NfgenHeaderLength..]);
                    while (attributes.TryRead(out ushort type, out ReadOnlySpan<byte> value))
                    {
                        if (type == CtaStats.GLOBAL_ENTRIES && value.Length == sizeof(uint))
                        {
                            return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(value);
                        }
                    }

                    throw new PyctdException(ExitCode.Failure, "the kernel's conntrack statistics carry no entry count");
                }
            }

            if (reader.Malformed)
            {
                throw new PyctdException(ExitCode.Failure, "malformed netlink message from the kernel");
            }
        }
    }

    /// <summary>
    /// Sends one dump request and hands every IPCTNL_MSG_CT_NEW message of the answer to
    /// <paramref name="handler"/>, until the kernel's NLMSG_DONE. Errors the kernel reports are thrown.
    /// </summary>
    internal void DumpMessages(in DumpQuery query, IMessageHandler handler)
    {
        uint sequence = ++_sequence;
        Span<byte> request = stackalloc byte[ConntrackRequests.MaxDumpRequestLength];
        int requestLength = ConntrackRequests.BuildDump(request, query, sequence);
        _socket.Send(request[..requestLength]);

        using var pipeline = new ReceivePipeline(_socket, _receiveBuffer.Memory[..(ReceiveBufferSize * ReceivePipeline.SlotCount)], sequence);
        while (pipeline.TryTake(out ReadOnlySpan<byte> batch))
        {
            if (ProcessBatch(batch, sequence, handler))
            {
                return;
            }

            pipeline.Release();
        }

        throw new PyctdException(ExitCode.Failure, "the kernel ended the dump without NLMSG_DONE");
    }

    /// <summary>Walks one datagram; returns true at the end of the dump (NLMSG_DONE), throws the error the kernel reported.</summary>
    private bool ProcessBatch(ReadOnlySpan<byte> batch, uint sequence, IMessageHandler handler)
    {
        var reader = new NetlinkMessageReader(batch);
        while (reader.TryRead(out NetlinkMessage message))
        {
            if (message.Sequence != sequence)
            {
                continue; // a late answer to an earlier request
            }

            if ((message.Flags & Netlink.NLM_F_DUMP_INTR) != 0)
            {
                Interrupted = true;
            }

            switch (message.Type)
            {
                case Netlink.NLMSG_DONE:
                    return true;
                case Netlink.NLMSG_ERROR:
                    int errno = message.Errno;
                    return errno == 0 ? true : throw NativeErrors.FromErrno(errno, "cannot read the conntrack table");
            }

            if (message.Type == Netlink.CtMessage(Netlink.IPCTNL_MSG_CT_NEW) && message.Payload.Length >= Netlink.NfgenHeaderLength)
            {
                handler.Handle(message.Bytes);
            }
        }

        return reader.Malformed ? throw new PyctdException(ExitCode.Failure, "malformed netlink message from the kernel") : false;
    }

    /// <summary>Receives each conntrack message of a dump, whole (nlmsghdr first).</summary>
    internal interface IMessageHandler
    {
        void Handle(ReadOnlySpan<byte> message);
    }

    /// <summary>The normal path: parse in place, pass on; once the sink has enough, skip the rest unparsed.</summary>
    private sealed class ParsingHandler(IRecordSink sink) : IMessageHandler
    {
        public bool Stopped { get; private set; }

        public void Handle(ReadOnlySpan<byte> message)
        {
            if (Stopped)
            {
                return;
            }

            ReadOnlySpan<byte> payload = message[Netlink.HeaderLength..];
            ConntrackMessageParser.Parse(payload[0], payload[Netlink.NfgenHeaderLength..], out ConntrackRecord record);
            Stopped = !sink.Accept(record);
        }
    }

    public void Dispose()
    {
        _receiveBuffer.Dispose();
        _socket.Dispose();
    }
}
