namespace Pyctd.Interop;

/// <summary>
/// Loads libnetfilter_conntrack.so.3 once, up front, so that a missing library is one clear line
/// and exit code 3 instead of a DllNotFoundException in the middle of a dump.
/// PYCTD_LIBNETFILTER_CONNTRACK may name another file (packagers with unusual layouts; tests).
/// </summary>
internal static class NetfilterLibrary
{
    public const string PathVariable = "PYCTD_LIBNETFILTER_CONNTRACK";

    public const string InstallHint =
        "install libnetfilter-conntrack3 (Debian/Ubuntu) or libnetfilter_conntrack (Fedora/RHEL)";

    private static nint s_handle;

    public static void EnsureLoaded()
    {
        if (s_handle != 0)
        {
            return;
        }

        s_handle = LibraryResolver.Load(Interop.Libraries.NetfilterConntrack, PathVariable, InstallHint);
        LibraryResolver.Register(Interop.Libraries.NetfilterConntrack, s_handle);
    }
}
