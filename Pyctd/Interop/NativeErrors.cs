using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>
/// The one place where errno becomes an exception or a line of text. Cli and Serve never see an
/// errno: they get a <see cref="PyctdException"/> or a typed result that carries its own message.
/// </summary>
internal static class NativeErrors
{
    public const string PermissionMessage = "needs CAP_NET_ADMIN (run as root)";
    public const string NoSuchConnectionMessage = "no such connection";

    /// <summary>Throws for the errno of the last failed libc call.</summary>
    public static PyctdException LastError(string operation) => FromErrno(Marshal.GetLastPInvokeError(), operation);

    /// <summary>Maps a (positive) errno, from libc or from a netlink NLMSG_ERROR, to an exit code and one line.</summary>
    public static PyctdException FromErrno(int errno, string operation) => errno switch
    {
        _ when IsPermissionDenied(errno) => new PyctdException(ExitCode.Permission, $"{operation}: {PermissionMessage}"),
        Interop.Libc.ENOENT => new PyctdException(ExitCode.Failure, $"{operation}: {NoSuchConnectionMessage}"),
        _ => new PyctdException(ExitCode.Failure, $"{operation}: {Describe(errno)}"),
    };

    /// <summary>EPERM or EACCES: the caller lacks a capability, and no retry or other entry will fare better.</summary>
    public static bool IsPermissionDenied(int errno) => errno is Interop.Libc.EPERM or Interop.Libc.EACCES;

    /// <summary>
    /// "Operation not supported (errno 95)": the C library's text plus the number to search for.
    /// The text comes from strerror_r (through the runtime), never strerror, whose buffer the
    /// server's threads would share.
    /// </summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
