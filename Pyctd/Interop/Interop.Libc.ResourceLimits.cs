using System.Runtime.InteropServices;

namespace Pyctd.Interop;

internal static partial class Interop
{
    internal static unsafe partial class Libc
    {
        internal const int RLIMIT_NOFILE = 7;

        /// <summary>struct rlimit: two rlim_t (unsigned long) on 64-bit Linux.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct RLimit
        {
            public ulong Current;
            public ulong Maximum;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "getrlimit", SetLastError = true)]
        internal static partial int GetRLimit(int resource, RLimit* limit);

        [LibraryImport(Libraries.Libc, EntryPoint = "setrlimit", SetLastError = true)]
        internal static partial int SetRLimit(int resource, RLimit* limit);
    }
}
