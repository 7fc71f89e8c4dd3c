using System.Globalization;

namespace Pyctd.Conntrack;

/// <summary>Conntrack sysctls (/proc/sys/net/netfilter), read inside the given namespace.</summary>
internal static class KernelSettings
{
    /// <summary>The sysctl's value, or -1 where the kernel has no such setting.</summary>
    public static long ReadInteger(string? netns, string name) =>
        Interop.NetworkNamespace.Enter(netns, () => ReadHere(name));

    /// <summary>Several at once: one namespace switch.</summary>
    public static long[] ReadIntegers(string? netns, params string[] names) =>
        Interop.NetworkNamespace.Enter(netns, () => names.Select(ReadHere).ToArray());

    private static long ReadHere(string name)
    {
        string path = $"/proc/sys/net/netfilter/{name}";
        return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : -1;
    }
}
