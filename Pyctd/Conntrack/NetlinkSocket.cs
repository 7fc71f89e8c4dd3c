using System.Runtime.InteropServices;
using Pyctd.Interop;
using Libc = Pyctd.Interop.Interop.Libc;

namespace Pyctd.Conntrack;

/// <summary>
/// A NETLINK_NETFILTER socket that pyctd owns (rather than libnetfilter_conntrack's nfct_handle), so
/// a dump can be received into one reused buffer and parsed in place.
/// </summary>
internal sealed unsafe partial class NetlinkSocket : IDisposable
{
    private readonly SafeNetlinkSocketHandle _handle;

    private NetlinkSocket(SafeNetlinkSocketHandle handle) => _handle = handle;

    /// <summary>Opens the socket, inside network namespace <paramref name="netns"/> when one is named.</summary>
    public static NetlinkSocket Open(string? netns) => NetworkNamespace.Enter(netns, OpenHere);

    private static NetlinkSocket OpenHere()
    {
        SafeNetlinkSocketHandle handle = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_NETFILTER);
        if (handle.IsInvalid)
        {
            var error = NativeErrors.LastError("cannot open a netlink socket");
            handle.Dispose();
            throw error;
        }

        var address = new Libc.SockaddrNetlink { Family = Libc.AF_NETLINK };
        if (Libc.Bind(handle, &address, (uint)sizeof(Libc.SockaddrNetlink)) != 0)
        {
            var error = NativeErrors.LastError("cannot bind the netlink socket");
            handle.Dispose();
            throw error;
        }

        var socket = new NetlinkSocket(handle);
        // Error replies carry only the header of our request, and an explanation where the kernel has one.
        socket.TrySetOption(Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, 1);
        socket.TrySetOption(Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, 1);
        return socket;
    }

    /// <summary>Raises the receive buffer (SO_RCVBUFFORCE as root, else SO_RCVBUF) so bursts of acks are not dropped.</summary>
    public void SetReceiveBufferSize(int bytes)
    {
        if (!TrySetOption(Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, bytes))
        {
            TrySetOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, bytes);
        }
    }

    private bool TrySetOption(int level, int name, int value) =>
        Libc.SetSockOpt(_handle, level, name, &value, sizeof(int)) == 0;

    public void Send(ReadOnlySpan<byte> message)
    {
        fixed (byte* data = message)
        {
            while (true)
            {
                nint sent = Libc.Send(_handle, data, (nuint)message.Length, 0);
                if (sent >= 0)
                {
                    return;
                }

                if (Marshal.GetLastPInvokeError() != Libc.EINTR)
                {
                    throw NativeErrors.LastError("netlink send failed");
                }
            }
        }
    }

    /// <summary>Receives one datagram (a batch of netlink messages) into <paramref name="buffer"/>.</summary>
    public int Receive(Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            while (true)
            {
                // MSG_TRUNC makes recv report the datagram's real size, so a batch that did not fit is an error, not silent loss.
                nint received = Libc.Receive(_handle, data, (nuint)buffer.Length, Libc.MSG_TRUNC);
                if (received > buffer.Length)
                {
                    throw new PyctdException(ExitCode.Failure, $"netlink message of {received} bytes does not fit the {buffer.Length}-byte receive buffer");
                }

                if (received >= 0)
                {
                    return (int)received;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                throw errno == Libc.ENOBUFS
                    ? new PyctdException(ExitCode.Failure, "netlink receive buffer overrun: the kernel dropped messages (ENOBUFS)")
                    : NativeErrors.FromErrno(errno, "netlink receive failed");
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
