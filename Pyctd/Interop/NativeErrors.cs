using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>The one place where errno becomes an exception; nothing outside Interop sees errno.</summary>
internal static class NativeErrors
{
    public const string PermissionMessage = "needs CAP_NET_ADMIN (run as root)";
    public const string NoSuchConnectionMessage = "no such connection";

    /// <summary>Throws for the errno of the last failed libc call.</summary>
    public static PyctdException LastError(string operation) => FromErrno(Marshal.GetLastPInvokeError(), operation);

    /// <summary>Maps a (positive) errno, from libc or from a netlink NLMSG_ERROR, to an exit code and one line.</summary>
    public static PyctdException FromErrno(int errno, string operation) => errno switch
    {
        Interop.Libc.EPERM or Interop.Libc.EACCES => new PyctdException(ExitCode.Permission, $"{operation}: {PermissionMessage}"),
        Interop.Libc.ENOENT => new PyctdException(ExitCode.Failure, $"{operation}: {NoSuchConnectionMessage}"),
        _ => new PyctdException(ExitCode.Failure, $"{operation}: {Describe(errno)}"),
    };

    /// <summary>"Operation not supported (errno 95)": the C library's text plus the number to search for.</summary>
    public static unsafe string Describe(int errno)
    {
        string? text = Marshal.PtrToStringUTF8((nint)Interop.Libc.StrError(errno));
        return $"{text ?? "unknown error"} (errno {errno})";
    }
}
