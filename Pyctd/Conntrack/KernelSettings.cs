using System.Globalization;

namespace Pyctd.Conntrack;

/// <summary>
/// Conntrack sysctls (/proc/sys/net/netfilter), read inside the given namespace (--netns), since
/// /proc/sys/net answers for the namespace of the thread that opens it.
/// </summary>
internal static class KernelSettings
{
    /// <summary>The ones that decide what entries and events carry.</summary>
    public const string Accounting = "nf_conntrack_acct";
    public const string Timestamps = "nf_conntrack_timestamp";
    public const string Events = "nf_conntrack_events";

    /// <summary>The sysctls' values, -1 for one the kernel does not have; one namespace switch for all.</summary>
    public static long[] ReadIntegers(string? netns, params string[] names) =>
        Interop.NetworkNamespace.Enter(netns, () => names.Select(ReadHere).ToArray());

    private static long ReadHere(string name)
    {
        string path = $"/proc/sys/net/netfilter/{name}";
        return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : -1;
    }
}
