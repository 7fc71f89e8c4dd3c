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

    /// <summary>
    /// Loads a library the imports need: the file <paramref name="pathVariable"/> names, or
    /// <paramref name="libraryName"/>. A missing one is exit code 3 with what to install.
    /// </summary>
    public static nint Load(string libraryName, string pathVariable, string installHint)
    {
        string path = Environment.GetEnvironmentVariable(pathVariable) is { Length: > 0 } overridden ? overridden : libraryName;
        return NativeLibrary.TryLoad(path, out nint handle)
            ? handle
            : throw new PyctdException(ExitCode.MissingLibrary, $"cannot load {path}: {installHint}");
    }

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
