using System.Runtime.InteropServices;

namespace Pyctd.Interop;

internal static partial class Interop
{
    /// <summary>File ownership and group lookup, for the users file that serve reads as group pyctd.</summary>
    internal static unsafe partial class Libc
    {
        internal const uint STATX_BASIC_STATS = 0x7ff;

        // struct statx offsets; the layout is the same on every architecture.
        internal const int StatxUidOffset = 20;
        internal const int StatxGidOffset = 24;
        internal const int StatxInodeOffset = 32;
        internal const int StatxSizeOffset = 40;
        internal const int StatxChangeTimeOffset = 96; // stx_ctime: tv_sec (s64), tv_nsec (u32)
        internal const int StatxModifyTimeOffset = 112; // stx_mtime
        internal const int StatxDeviceOffset = 136; // stx_dev_major, stx_dev_minor (u32 each)

        internal const int ERANGE = 34;

        /// <summary>struct group; only gr_gid is read.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct Group
        {
            public byte* Name;
            public byte* Password;
            public uint Id;
            public byte** Members;
        }

        /// <summary>Returns the error number (not errno); *result is NULL when there is no such group.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int GetGrNamR(string name, Group* group, byte* buffer, nuint bufferLength, Group** result);

        [LibraryImport(Libraries.Libc, EntryPoint = "fchown", SetLastError = true)]
        internal static partial int FChown(SafeHandle fd, uint owner, uint group);
    }
}
