using System.Diagnostics;
using DotNext.Buffers;
using Pyctd.Interop;

namespace Pyctd.Conntrack;

/// <summary>What a listener subscribes to, and how.</summary>
/// <param name="Types">The multicast groups joined.</param>
/// <param name="BufferBytes">Asked of SO_RCVBUFFORCE; the kernel doubles it.</param>
/// <param name="KernelKeys">Keys for the socket filter; user space checks every event again.</param>
internal sealed record EventSubscription(ConntrackEventTypes Types, int BufferBytes, IReadOnlyList<EventFilterKey> KernelKeys);

/// <summary>Receives the events of a listener, in the order they arrived.</summary>
internal interface IEventSink
{
    /// <summary>One event; false ends listening (a --count reached).</summary>
    bool Accept(in ConntrackEvent conntrackEvent, in ConntrackRecord record);

    /// <summary>The socket is drained for now: what was accepted should be written out.</summary>
    void Flush();

    /// <summary>
    /// The kernel dropped <paramref name="dropped"/> events since <paramref name="sinceUnixNanoseconds"/>;
    /// when <paramref name="redelivered"/>, it will send them again. False ends listening.
    /// </summary>
    bool Overrun(ulong dropped, long sinceUnixNanoseconds, bool redelivered);
}

internal enum EventStop
{
    SinkDone,
    TimedOut,
    Woken,
    OutputClosed,
    Overrun,
}

/// <summary>
/// Listens to ctnetlink's event groups over our own netlink socket. Every multicast event is one
/// datagram, so recvmmsg takes whatever is queued in one call, into <see cref="Slots"/> slices of one
/// unmanaged buffer; each message is parsed in place by the parser `list` uses. Losses are not
/// silent: ENOBUFS says the kernel dropped events, and SO_MEMINFO's drop counter says how many.
/// </summary>
internal sealed class ConntrackEventListener : IDisposable
{
    /// <summary>An event is a few hundred bytes; a slot holds the largest (labels, helper, secctx) with room to spare.</summary>
    public const int SlotSize = 8 * 1024;

    /// <summary>Datagrams per recvmmsg: enough to make a burst cost few calls, few enough to keep output flowing.</summary>
    public const int Slots = 64;

    /// <summary>How long an event may wait in the output buffer for others to share its write.</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>Overruns after the first are added up and reported at most this often.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    private static readonly UnmanagedMemoryPool<byte> s_buffers = new(SlotSize * Slots);

    private readonly NetlinkSocket _socket;
    private readonly System.Buffers.IMemoryOwner<byte> _buffer;
    private readonly int[] _lengths = new int[Slots];
    private ulong _dropsReported;

    /// <summary>When the drops not yet reported may have begun: the start, then the last report.</summary>
    private long _unreportedSince = WallClock.UnixNanoseconds();

    public ConntrackEventListener(string? netns, EventSubscription subscription)
    {
        NetfilterLibrary.EnsureLoaded();
        _socket = NetlinkSocket.Open(netns);
        try
        {
            _socket.SetReceiveBufferSize(subscription.BufferBytes);
            ReceiveBufferBytes = _socket.ReceiveBufferSize();
            // Only for DESTROY alone: a failed NEW or UPDATE is not sent again (the kernel folds it into
            // the connection's next event), so with those a drop count would no longer say what was lost.
            if (subscription.Types == ConntrackEventTypes.Destroy)
            {
                ReliableDestroy = _socket.TryReportDeliveryFailures();
            }

            Interop.Interop.Libc.SockFilter[] program = EventSocketFilter.Compile(subscription.KernelKeys);
            KernelFilterInstructions = program.Length > 0 && _socket.TryAttachFilter(program) ? program.Length : 0;

            foreach (ConntrackEventType type in (ReadOnlySpan<ConntrackEventType>)[ConntrackEventType.New, ConntrackEventType.Update, ConntrackEventType.Destroy])
            {
                if ((subscription.Types & ConntrackEvent.MaskOf(type)) != 0)
                {
                    _socket.JoinGroup((int)type);
                }
            }
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        _buffer = s_buffers.Rent(SlotSize * Slots);
    }

    /// <summary>The receive buffer the kernel granted, in bytes.</summary>
    public int ReceiveBufferBytes { get; }

    /// <summary>
    /// Whether failed deliveries are sent again by the kernel: NETLINK_BROADCAST_ERROR, set when only
    /// DESTROY events are asked for. Drops are then failed attempts, not lost events.
    /// </summary>
    public bool ReliableDestroy { get; }

    /// <summary>Length of the socket filter the kernel runs; 0 when there is none.</summary>
    public int KernelFilterInstructions { get; }

    /// <summary>Events that reached user space (after the socket filter, before the user-space filter).</summary>
    public long Received { get; private set; }

    /// <summary>Events the kernel dropped for this listener (deliveries, when <see cref="ReliableDestroy"/>), as last counted.</summary>
    public ulong Dropped => _dropsReported;

    /// <summary>
    /// Hands every event to <paramref name="sink"/> until it has enough, <paramref name="timeout"/>
    /// passes, <paramref name="wakeup"/> is signalled, or <paramref name="watchedFd"/>'s reader leaves.
    /// Output is flushed <see cref="FlushDelay"/> after the first event not yet written, so that a
    /// stream of events makes one write per few milliseconds rather than one per wakeup. The first
    /// overrun is reported as soon as the queue behind it is read; later ones at most once per
    /// <see cref="ReportInterval"/>, added up, so that a flood makes a line a second, not thousands.
    /// </summary>
    public EventStop Run(IEventSink sink, EventWakeup wakeup, int watchedFd, TimeSpan? timeout)
    {
        var clock = Stopwatch.StartNew();
        long overrunSince = 0;
        TimeSpan nextReport = TimeSpan.Zero;
        TimeSpan? flushAt = null;
        while (true)
        {
            TimeSpan now = clock.Elapsed;
            if (now >= timeout)
            {
                return Finish(sink, EventStop.TimedOut);
            }

            TimeSpan? deadline = Earliest(Earliest(timeout, flushAt), overrunSince != 0 ? nextReport : null);
            int waitMilliseconds = deadline is TimeSpan due ? (int)Math.Clamp(Math.Ceiling((due - now).TotalMilliseconds), 0, int.MaxValue) : -1;
            switch (_socket.Wait(wakeup, watchedFd, waitMilliseconds))
            {
                case SocketWait.Woken:
                    return Finish(sink, EventStop.Woken);
                case SocketWait.OutputClosed:
                    return EventStop.OutputClosed;
                case SocketWait.Readable:
                    int received;
                    bool overrun;
                    do
                    {
                        received = _socket.ReceiveQueued(_buffer.Memory.Span, SlotSize, _lengths, out overrun);
                        if (overrun && overrunSince == 0)
                        {
                            overrunSince = WallClock.UnixNanoseconds();
                        }

                        if (!Dispatch(sink, received))
                        {
                            return Finish(sink, EventStop.SinkDone);
                        }

                        flushAt ??= received > 0 ? clock.Elapsed + FlushDelay : null;
                    }
                    while (received == Slots || overrun); // ENOBUFS comes alone; what is queued behind it is still to be read

                    break;
            }

            if (clock.Elapsed >= flushAt)
            {
                sink.Flush();
                flushAt = null;
            }

            // Report once the queue is read: the kernel has counted every drop of the overrun by then.
            if (overrunSince != 0 && clock.Elapsed >= nextReport)
            {
                if (!ReportDrops(sink, overrunSince, overrunSeen: true))
                {
                    return Finish(sink, EventStop.Overrun);
                }

                overrunSince = 0;
                nextReport = clock.Elapsed + ReportInterval;
            }
        }
    }

    private static TimeSpan? Earliest(TimeSpan? first, TimeSpan? second) =>
        first is TimeSpan a && second is TimeSpan b ? (a < b ? a : b) : first ?? second;

    /// <summary>Parses the received datagrams in place and passes each event on; false once the sink is done.</summary>
    private bool Dispatch(IEventSink sink, int received)
    {
        ReadOnlySpan<byte> buffer = _buffer.Memory.Span;
        for (int slot = 0; slot < received; slot++)
        {
            long now = WallClock.UnixNanoseconds();
            var reader = new NetlinkMessageReader(buffer.Slice(slot * SlotSize, _lengths[slot]));
            while (reader.TryRead(out NetlinkMessage message))
            {
                if (!ConntrackEvent.TryClassify(message, out ConntrackEventType type))
                {
                    continue;
                }

                Received++;
                ReadOnlySpan<byte> payload = message.Payload;
                ConntrackMessageParser.Parse(payload[0], payload[Netlink.NfgenHeaderLength..], out ConntrackRecord record);
                if (!sink.Accept(new ConntrackEvent(type, ConntrackEvent.PortIdOf(message), now), record))
                {
                    return false;
                }
            }

            if (reader.Malformed)
            {
                throw new PyctdException(ExitCode.Failure, "malformed netlink message from the kernel");
            }
        }

        return true;
    }

    /// <summary>
    /// Tells the sink how many events were dropped since the last report. An ENOBUFS with an unchanged
    /// counter (a kernel that does not count) is still reported, as at least one; false when the sink says stop.
    /// </summary>
    private bool ReportDrops(IEventSink sink, long since, bool overrunSeen)
    {
        ulong drops = _socket.DroppedMessages();
        ulong lost = drops > _dropsReported ? drops - _dropsReported : 0;
        _dropsReported = Math.Max(drops, _dropsReported);
        _unreportedSince = WallClock.UnixNanoseconds();
        if (lost == 0 && !overrunSeen)
        {
            return true;
        }

        return sink.Overrun(Math.Max(lost, 1), since, ReliableDestroy);
    }

    /// <summary>On the way out, drops not yet reported are reported too: nothing goes unsaid.</summary>
    private EventStop Finish(IEventSink sink, EventStop stop)
    {
        sink.Flush();
        ReportDrops(sink, _unreportedSince, overrunSeen: false);
        return stop;
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _socket.Dispose();
    }
}
