using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pyctd.Interop;

internal static partial class Interop
{
    /// <summary>The few glibc calls pyctd needs: a netlink socket it owns, and setns for --netns.</summary>
    internal static unsafe partial class Libc
    {
        internal const int AF_NETLINK = 16;
        internal const int SOCK_RAW = 3;
        internal const int SOCK_CLOEXEC = 0x80000;
        internal const int NETLINK_NETFILTER = 12;

        internal const int SOL_SOCKET = 1;
        internal const int SO_RCVBUF = 8;
        internal const int SO_RCVBUFFORCE = 33;
        internal const int SOL_NETLINK = 270;
        internal const int NETLINK_CAP_ACK = 10;
        internal const int NETLINK_EXT_ACK = 11;
        internal const int NETLINK_GET_STRICT_CHK = 12;

        internal const int MSG_TRUNC = 0x20;

        internal const int O_RDONLY = 0;
        internal const int O_CLOEXEC = 0x80000;
        internal const int CLONE_NEWNET = 0x40000000;

        internal const int EINTR = 4;
        internal const int ENOENT = 2;
        internal const int EPERM = 1;
        internal const int EBUSY = 16;
        internal const int EACCES = 13;
        internal const int ENOTDIR = 20;
        internal const int EBADMSG = 74;
        internal const int ENOBUFS = 105;

        [StructLayout(LayoutKind.Sequential)]
        internal struct SockaddrNetlink
        {
            public ushort Family;
            public ushort Pad;
            public uint PortId;
            public uint Groups;
        }

        // Descriptors we own go in and out as SafeHandles, so none is closed while a call still uses it.
        internal const int M_MMAP_THRESHOLD = -3;
        internal const int M_ARENA_MAX = -8;

        /// <summary>mallopt(3), glibc's allocator settings; returns 1 on success.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mallopt")]
        internal static partial int MallOpt(int parameter, int value);

        /// <summary>execve(2); returns only on failure.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "execve", SetLastError = true)]
        internal static partial int ExecVE(byte* path, byte** argv, byte** envp);

        /// <summary>getrandom(2): the kernel's CSPRNG, without loading OpenSSL for it (3.4 MB of a router's memory).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "getrandom", SetLastError = true)]
        internal static partial nint GetRandom(byte* buffer, nuint length, uint flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "socket", SetLastError = true)]
        internal static partial SafeNetlinkSocketHandle Socket(int domain, int type, int protocol);

        [LibraryImport(Libraries.Libc, EntryPoint = "bind", SetLastError = true)]
        internal static partial int Bind(SafeHandle fd, SockaddrNetlink* address, uint addressLength);

        /// <summary>No SetLastError: the options pyctd sets are best effort, and nobody reads why one failed.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "setsockopt")]
        internal static partial int SetSockOpt(SafeHandle fd, int level, int name, void* value, uint valueLength);

        [LibraryImport(Libraries.Libc, EntryPoint = "send", SetLastError = true)]
        internal static partial nint Send(SafeHandle fd, void* buffer, nuint length, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "recv", SetLastError = true)]
        internal static partial nint Receive(SafeHandle fd, void* buffer, nuint length, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial SafeFileHandle Open(string path, int flags);

        /// <summary>Only SafeHandle.ReleaseHandle calls this, and it has nowhere to report errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "close")]
        internal static partial int Close(int fd);

        [LibraryImport(Libraries.Libc, EntryPoint = "setns", SetLastError = true)]
        internal static partial int SetNs(SafeHandle fd, int nsType);

        /// <summary>time(2): glibc answers from the coarse real-time clock, which can lag the precise one by a tick.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "time")]
        internal static partial long Time(nint location);

        internal const int AT_FDCWD = -100;
        internal const int AT_SYMLINK_NOFOLLOW = 0x100;
        internal const uint STATX_TYPE = 0x1;
        internal const int StatxSize = 256;
        internal const int StatxModeOffset = 28; // struct statx.stx_mode: the same on every architecture
        internal const ushort S_IFMT = 0xf000;
        internal const ushort S_IFSOCK = 0xc000;

        [LibraryImport(Libraries.Libc, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
    }
}
