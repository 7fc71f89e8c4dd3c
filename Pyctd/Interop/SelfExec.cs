using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>Replaces the process with a fresh run of this same executable, same arguments, one more environment variable.</summary>
internal static unsafe class SelfExec
{
    /// <summary>Returns only if the exec failed (no /proc, a seccomp filter): the caller goes on as it is.</summary>
    public static void WithVariable(string name, string value)
    {
        string[] arguments = Environment.GetCommandLineArgs();
        var environment = new List<string>();
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{variable.Key}={variable.Value}");
        }

        environment.Add($"{name}={value}");
        nint path = Marshal.StringToCoTaskMemUTF8("/proc/self/exe");
        nint[] argv = ToNative(arguments);
        nint[] envp = ToNative(environment);
        try
        {
            fixed (nint* args = argv, env = envp)
            {
                Interop.Libc.ExecVE((byte*)path, (byte**)args, (byte**)env);
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(path);
            Free(argv);
            Free(envp);
        }
    }

    /// <summary>A NULL-terminated array of UTF-8 C strings.</summary>
    private static nint[] ToNative(IReadOnlyList<string> strings)
    {
        var native = new nint[strings.Count + 1];
        for (int i = 0; i < strings.Count; i++)
        {
            native[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
        }

        return native;
    }

    private static void Free(nint[] native)
    {
        foreach (nint pointer in native)
        {
            Marshal.FreeCoTaskMem(pointer);
        }
    }
}
