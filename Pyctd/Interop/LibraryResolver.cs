using System.Reflection;
using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>
/// The assembly's one DllImport resolver (the runtime takes only one per assembly): each library
/// loader registers the handle its imports resolve through; other names load as usual.
/// </summary>
internal static class LibraryResolver
{
    private static readonly Dictionary<string, nint> s_handles = new(StringComparer.Ordinal);
    private static bool s_installed;

    public static void Register(string libraryName, nint handle)
    {
        lock (s_handles)
        {
            s_handles[libraryName] = handle;
            if (!s_installed)
            {
                NativeLibrary.SetDllImportResolver(typeof(LibraryResolver).Assembly, Resolve);
                s_installed = true;
            }
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        lock (s_handles)
        {
            return s_handles.TryGetValue(name, out nint handle) ? handle : 0;
        }
    }
}
