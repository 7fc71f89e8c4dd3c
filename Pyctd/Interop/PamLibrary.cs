using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>
/// Loads libpam.so.0 once, at start-up, so that a missing library is one clear line and exit
/// code 3, not a DllNotFoundException at the first login. PYCTD_LIBPAM may name another file.
/// The imports then resolve through the process's global scope when something there already
/// defines pam_start (an LD_PRELOADed interposer such as pam_wrapper, which the tests use), as
/// they would for a program linked with -lpam; otherwise through the library just loaded.
/// </summary>
internal static class PamLibrary
{
    public const string PathVariable = "PYCTD_LIBPAM";

    public const string InstallHint = "install libpam0g (Debian/Ubuntu) or pam (Fedora/RHEL)";

    private static readonly Lock s_lock = new();
    private static bool s_loaded;

    public static void EnsureLoaded()
    {
        lock (s_lock)
        {
            if (s_loaded)
            {
                return;
            }

            nint library = LibraryResolver.Load(Interop.Libraries.Pam, PathVariable, InstallHint);
            nint global = NativeLibrary.GetMainProgramHandle();
            LibraryResolver.Register(Interop.Libraries.Pam, NativeLibrary.TryGetExport(global, "pam_start", out _) ? global : library);
            s_loaded = true;
        }
    }
}
