using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pyctd.Interop;

/// <summary>
/// Runs a piece of code inside a named network namespace, the way `ip -n NAME` does: the calling
/// thread joins /run/netns/NAME, and joins its own namespace again before returning. A socket
/// created inside stays bound to that namespace for its whole life.
/// </summary>
internal static class NetworkNamespace
{
    public const string Directory = "/run/netns";

    /// <summary>A bare name is looked up in /run/netns; a path (containing '/') is used as given, e.g. /proc/PID/ns/net.</summary>
    public static string PathOf(string name) => name.Contains('/') ? name : $"{Directory}/{name}";

    public static T Enter<T>(string? name, Func<T> action)
    {
        if (name is null)
        {
            return action();
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            // Callers refuse it already; an empty name must never quietly mean the current namespace.
            throw new PyctdException(ExitCode.Usage, $"'{name}' is not a network namespace name");
        }

        using SafeFileHandle original = Interop.Libc.Open("/proc/thread-self/ns/net", Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC);
        if (original.IsInvalid)
        {
            throw NativeErrors.LastError("cannot open the current network namespace");
        }

        using (SafeFileHandle target = Interop.Libc.Open(PathOf(name), Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC))
        {
            if (target.IsInvalid)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == Interop.Libc.ENOENT
                    ? new PyctdException(ExitCode.Failure, $"no such network namespace: {name} (see 'ip netns list')")
                    : NativeErrors.FromErrno(errno, $"cannot open network namespace {name}");
            }

            if (Interop.Libc.SetNs(target, Interop.Libc.CLONE_NEWNET) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno is Interop.Libc.EPERM
                    ? new PyctdException(ExitCode.Permission, $"cannot enter network namespace {name}: needs CAP_SYS_ADMIN (run as root)")
                    : NativeErrors.FromErrno(errno, $"cannot enter network namespace {name}");
            }
        }

        try
        {
            return action();
        }
        finally
        {
            // Failing to return would leave this thread in the wrong namespace for good: fatal.
            if (Interop.Libc.SetNs(original, Interop.Libc.CLONE_NEWNET) != 0)
            {
                Environment.FailFast("pyctd: cannot return to the original network namespace");
            }
        }
    }
}
