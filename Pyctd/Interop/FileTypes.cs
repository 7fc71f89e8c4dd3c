namespace Pyctd.Interop;

/// <summary>File-type questions .NET has no API for.</summary>
internal static unsafe class FileTypes
{
    /// <summary>
    /// False only when <paramref name="path"/> certainly does not exist (ENOENT/ENOTDIR). A path
    /// we may not look at (EACCES) counts as existing: File.Exists would say it does not.
    /// </summary>
    public static bool MayExist(string path)
    {
        byte* buffer = stackalloc byte[Interop.Libc.StatxSize];
        if (Interop.Libc.Statx(Interop.Libc.AT_FDCWD, path, 0, Interop.Libc.STATX_TYPE, buffer) == 0)
        {
            return true;
        }

        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return errno is not (Interop.Libc.ENOENT or Interop.Libc.ENOTDIR);
    }

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
