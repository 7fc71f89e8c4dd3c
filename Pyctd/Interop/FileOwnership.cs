using Microsoft.Win32.SafeHandles;

namespace Pyctd.Interop;

/// <summary>Identity and ownership of a file as statx(2) gives them: what .NET has no API for.</summary>
internal readonly record struct FileStamp(ulong Device, ulong Inode, long Size, long ChangeSeconds, uint ChangeNanoseconds, long ModifySeconds, uint ModifyNanoseconds);

/// <summary>
/// Who owns a file, whether it has changed, and which id a group name has. A file replaced by a
/// rename has another inode; one rewritten in place has another change time: either changes its
/// <see cref="FileStamp"/>.
/// </summary>
internal static unsafe class FileOwnership
{
    /// <summary>The file's stamp, or null when it does not exist or cannot be looked at.</summary>
    public static FileStamp? Stamp(string path)
    {
        byte* buffer = stackalloc byte[Interop.Libc.StatxSize];
        if (Interop.Libc.Statx(Interop.Libc.AT_FDCWD, path, 0, Interop.Libc.STATX_BASIC_STATS, buffer) != 0)
        {
            return null;
        }

        ulong device = ((ulong)*(uint*)(buffer + Interop.Libc.StatxDeviceOffset) << 32) | *(uint*)(buffer + Interop.Libc.StatxDeviceOffset + 4);
        return new FileStamp(
            device,
            *(ulong*)(buffer + Interop.Libc.StatxInodeOffset),
            *(long*)(buffer + Interop.Libc.StatxSizeOffset),
            *(long*)(buffer + Interop.Libc.StatxChangeTimeOffset),
            *(uint*)(buffer + Interop.Libc.StatxChangeTimeOffset + 8),
            *(long*)(buffer + Interop.Libc.StatxModifyTimeOffset),
            *(uint*)(buffer + Interop.Libc.StatxModifyTimeOffset + 8));
    }

    /// <summary>The file's owner and group, or null when it does not exist.</summary>
    public static (uint Owner, uint Group)? OwnerOf(string path)
    {
        byte* buffer = stackalloc byte[Interop.Libc.StatxSize];
        if (Interop.Libc.Statx(Interop.Libc.AT_FDCWD, path, 0, Interop.Libc.STATX_BASIC_STATS, buffer) != 0)
        {
            return null;
        }

        return (*(uint*)(buffer + Interop.Libc.StatxUidOffset), *(uint*)(buffer + Interop.Libc.StatxGidOffset));
    }

    /// <summary>The id of the group, through NSS as getent does; null when there is none.</summary>
    public static uint? GroupId(string name)
    {
        Interop.Libc.Group group;
        Interop.Libc.Group* result = null;
        // 1 KiB holds a system group's entry; ERANGE (a group with many members) retries with more.
        for (int size = 1024; size <= 1 << 20; size *= 4)
        {
            byte[] buffer = new byte[size];
            fixed (byte* pointer = buffer)
            {
                int error = Interop.Libc.GetGrNamR(name, &group, pointer, (nuint)size, &result);
                if (error != Interop.Libc.ERANGE)
                {
                    return error == 0 && result is not null ? group.Id : null;
                }
            }
        }

        return null;
    }

    /// <summary>Gives the open file this owner and group (fchown(2)); throws the one-line error when refused.</summary>
    public static void Chown(SafeFileHandle file, uint owner, uint group, string path)
    {
        if (Interop.Libc.FChown(file, owner, group) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new PyctdException(ExitCode.Failure, $"cannot set the owner of {path}: {NativeErrors.Describe(errno)}");
        }
    }
}
