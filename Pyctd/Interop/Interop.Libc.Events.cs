using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pyctd.Interop;

internal static partial class Interop
{
    /// <summary>What `pyctd events` needs beyond a dump: group membership, a socket filter, batched receive, and a wakeup.</summary>
    internal static unsafe partial class Libc
    {
        internal const int NETLINK_ADD_MEMBERSHIP = 1;
        internal const int NETLINK_BROADCAST_ERROR = 4;

        internal const int SO_ATTACH_FILTER = 26;

        /// <summary>u32[SK_MEMINFO_VARS]; index <see cref="SK_MEMINFO_DROPS"/> is sk_drops, which netlink_overrun counts up per dropped message.</summary>
        internal const int SO_MEMINFO = 55;
        internal const int SK_MEMINFO_DROPS = 8;
        internal const int SK_MEMINFO_VARS = 9;

        internal const int MSG_DONTWAIT = 0x40;
        internal const int EAGAIN = 11;

        internal const short POLLIN = 0x1;
        internal const short POLLERR = 0x8;
        internal const short POLLHUP = 0x10;
        internal const short POLLNVAL = 0x20;

        internal const int EFD_CLOEXEC = 0x80000;
        internal const int EFD_NONBLOCK = 0x800;

        internal const int CLOCK_REALTIME = 0;

        /// <summary>struct sock_filter: one classic BPF instruction.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct SockFilter
        {
            public ushort Code;
            public byte JumpTrue;
            public byte JumpFalse;
            public uint K;
        }

        /// <summary>struct sock_fprog (64-bit layout: the pointer is 8-aligned after a padded short).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct SockFprog
        {
            public ushort Length;
            public SockFilter* Filter;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct IoVec
        {
            public void* Base;
            public nuint Length;
        }

        /// <summary>struct msghdr (64-bit).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct MsgHdr
        {
            public void* Name;
            public uint NameLength;
            public IoVec* Iov;
            public nuint IovLength;
            public void* Control;
            public nuint ControlLength;
            public int Flags;
        }

        /// <summary>struct mmsghdr: a msghdr and the bytes recvmmsg put in it.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct MMsgHdr
        {
            public MsgHdr Header;
            public uint Length;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            public int Fd;
            public short Events;
            public short ReturnedEvents;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        /// <summary>setsockopt with errno kept, for the one option whose failure is reported (joining the event groups).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "setsockopt", SetLastError = true)]
        internal static partial int SetSockOptChecked(SafeHandle fd, int level, int name, void* value, uint valueLength);

        [LibraryImport(Libraries.Libc, EntryPoint = "getsockopt", SetLastError = true)]
        internal static partial int GetSockOpt(SafeHandle fd, int level, int name, void* value, uint* valueLength);

        /// <summary>recvmmsg(2): several datagrams in one call (a netlink recv returns one event each).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "recvmmsg", SetLastError = true)]
        internal static partial int ReceiveMany(SafeHandle fd, MMsgHdr* messages, uint count, int flags, TimeSpec* timeout);

        [LibraryImport(Libraries.Libc, EntryPoint = "poll", SetLastError = true)]
        internal static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

        [LibraryImport(Libraries.Libc, EntryPoint = "eventfd", SetLastError = true)]
        internal static partial SafeFileHandle EventFd(uint initial, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static partial nint Write(SafeHandle fd, void* buffer, nuint length);

        [LibraryImport(Libraries.Libc, EntryPoint = "clock_gettime")]
        internal static partial int ClockGetTime(int clock, TimeSpec* time);
    }
}
