namespace Pyctd.Interop;

/// <summary>File-type questions .NET has no API for.</summary>
internal static unsafe class FileTypes
{
    /// <summary>Whether <paramref name="path"/> is a Unix domain socket (not following a symlink).</summary>
    public static bool IsSocket(string path)
    {
        byte* buffer = stackalloc byte[Interop.Libc.StatxSize];
        if (Interop.Libc.Statx(Interop.Libc.AT_FDCWD, path, Interop.Libc.AT_SYMLINK_NOFOLLOW, Interop.Libc.STATX_TYPE, buffer) != 0)
        {
            return false;
        }

        ushort mode = *(ushort*)(buffer + Interop.Libc.StatxModeOffset);
        return (mode & Interop.Libc.S_IFMT) == Interop.Libc.S_IFSOCK;
    }
}
