using Pyctd.Interop;

namespace Pyctd.Conntrack;

/// <summary>
/// The per-namespace net.netfilter sysctls that decide what events carry. They are read inside the
/// namespace (--netns), since /proc/sys/net answers for the namespace of the thread that opens it.
/// </summary>
internal static class ConntrackSysctls
{
    public const string Accounting = "nf_conntrack_acct";
    public const string Timestamps = "nf_conntrack_timestamp";
    public const string Events = "nf_conntrack_events";

    /// <summary>The values of <paramref name="names"/>, null for one the kernel does not have.</summary>
    public static string?[] Read(string? netns, params string[] names) => NetworkNamespace.Enter(netns, () =>
        names.Select(static name =>
        {
            string path = $"/proc/sys/net/netfilter/{name}";
            try
            {
                return File.ReadAllText(path).Trim();
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }).ToArray());
}
