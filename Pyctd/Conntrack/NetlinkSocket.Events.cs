using System.Runtime.InteropServices;
using Pyctd.Interop;
using Libc = Pyctd.Interop.Interop.Libc;

namespace Pyctd.Conntrack;

/// <summary>The event side of the socket: multicast groups, a socket filter, loss accounting, batched receive.</summary>
internal sealed unsafe partial class NetlinkSocket
{
    /// <summary>Joins a ctnetlink multicast group (NFNLGRP_CONNTRACK_NEW/UPDATE/DESTROY are 1, 2, 3).</summary>
    public void JoinGroup(int group)
    {
        if (Libc.SetSockOptChecked(_handle, Libc.SOL_NETLINK, Libc.NETLINK_ADD_MEMBERSHIP, &group, sizeof(int)) != 0)
        {
            throw NativeErrors.LastError("cannot subscribe to conntrack events");
        }
    }

    /// <summary>
    /// NETLINK_BROADCAST_ERROR: a delivery that fails on this socket fails the kernel's broadcast, and
    /// conntrack's event cache then keeps a DESTROY event and sends it again, rather than losing it.
    /// </summary>
    public bool TryReportDeliveryFailures() => TrySetOption(Libc.SOL_NETLINK, Libc.NETLINK_BROADCAST_ERROR, 1);

    /// <summary>Attaches a classic BPF program; false when the kernel refuses it (the user-space filter still runs).</summary>
    public bool TryAttachFilter(ReadOnlySpan<Libc.SockFilter> program)
    {
        fixed (Libc.SockFilter* instructions = program)
        {
            var fprog = new Libc.SockFprog { Length = checked((ushort)program.Length), Filter = instructions };
            return Libc.SetSockOpt(_handle, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, &fprog, (uint)sizeof(Libc.SockFprog)) == 0;
        }
    }

    /// <summary>The receive buffer the kernel granted (it doubles what was asked, for its bookkeeping).</summary>
    public int ReceiveBufferSize()
    {
        int size = 0;
        uint length = sizeof(int);
        return Libc.GetSockOpt(_handle, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, &length) == 0 ? size : 0;
    }

    /// <summary>
    /// Messages the kernel dropped for this socket since it was opened (sk_drops, through SO_MEMINFO):
    /// netlink counts one for every multicast message that did not fit the receive buffer.
    /// </summary>
    public ulong DroppedMessages()
    {
        uint* info = stackalloc uint[Libc.SK_MEMINFO_VARS];
        uint length = sizeof(uint) * Libc.SK_MEMINFO_VARS;
        if (Libc.GetSockOpt(_handle, Libc.SOL_SOCKET, Libc.SO_MEMINFO, info, &length) != 0 || length <= sizeof(uint) * Libc.SK_MEMINFO_DROPS)
        {
            return 0;
        }

        return info[Libc.SK_MEMINFO_DROPS];
    }

    /// <summary>
    /// Waits until the socket has data, <paramref name="wakeup"/> is signalled, or
    /// <paramref name="watchedFd"/> (stdout) reports that its reader has gone; -1 waits for ever.
    /// </summary>
    public SocketWait Wait(EventWakeup wakeup, int watchedFd, int timeoutMilliseconds)
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            Libc.PollFd* fds = stackalloc Libc.PollFd[3];
            fds[0] = new Libc.PollFd { Fd = (int)_handle.DangerousGetHandle(), Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = wakeup.Fd, Events = Libc.POLLIN };

            // Events 0: only POLLERR/POLLHUP, which a pipe's writing end reports once its reader has closed it.
            fds[2] = new Libc.PollFd { Fd = watchedFd, Events = 0 };
            while (true)
            {
                int ready = Libc.Poll(fds, watchedFd >= 0 ? 3u : 2u, timeoutMilliseconds);
                if (ready < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Libc.EINTR)
                    {
                        continue;
                    }

                    throw NativeErrors.LastError("poll on the event socket failed");
                }

                if (ready == 0)
                {
                    return SocketWait.TimedOut;
                }

                if (fds[1].ReturnedEvents != 0)
                {
                    return SocketWait.Woken;
                }

                // POLLNVAL: there is no stdout at all (`>&-`); nothing will ever be written.
                if (watchedFd >= 0 && (fds[2].ReturnedEvents & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0)
                {
                    return SocketWait.OutputClosed;
                }

                return SocketWait.Readable;
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Takes what is queued, without waiting: up to <paramref name="lengths"/>.Length datagrams, each into
    /// its own <paramref name="slotSize"/> slice of <paramref name="buffer"/>. Returns how many; sets
    /// <paramref name="overrun"/> when the kernel reported ENOBUFS (messages were dropped).
    /// </summary>
    public int ReceiveQueued(Span<byte> buffer, int slotSize, Span<int> lengths, out bool overrun)
    {
        overrun = false;
        int slots = lengths.Length;
        Libc.MMsgHdr* messages = stackalloc Libc.MMsgHdr[slots];
        Libc.IoVec* vectors = stackalloc Libc.IoVec[slots];
        fixed (byte* data = buffer)
        {
            for (int i = 0; i < slots; i++)
            {
                vectors[i] = new Libc.IoVec { Base = data + ((long)i * slotSize), Length = (nuint)slotSize };
                messages[i] = default;
                messages[i].Header.Iov = &vectors[i];
                messages[i].Header.IovLength = 1;
            }

            while (true)
            {
                int received = Libc.ReceiveMany(_handle, messages, (uint)slots, Libc.MSG_DONTWAIT, null);
                if (received >= 0)
                {
                    for (int i = 0; i < received; i++)
                    {
                        if ((messages[i].Header.Flags & Libc.MSG_TRUNC) != 0)
                        {
                            throw new PyctdException(ExitCode.Failure, $"a conntrack event does not fit the {slotSize}-byte receive slot");
                        }

                        lengths[i] = (int)messages[i].Length;
                    }

                    return received;
                }

                int errno = Marshal.GetLastPInvokeError();
                switch (errno)
                {
                    case Libc.EINTR:
                        continue;
                    case Libc.EAGAIN:
                        return 0;
                    case Libc.ENOBUFS:
                        overrun = true;
                        return 0;
                    default:
                        throw NativeErrors.FromErrno(errno, "receiving conntrack events failed");
                }
            }
        }
    }
}

internal enum SocketWait
{
    Readable,
    TimedOut,
    Woken,
    OutputClosed,
}
