namespace Pyctd.Interop;

internal static partial class Interop
{
    /// <summary>Pinned sonames: the ABI we were written against, never the unversioned dev symlink.</summary>
    internal static class Libraries
    {
        internal const string NetfilterConntrack = "libnetfilter_conntrack.so.3";
        internal const string Libc = "libc.so.6";
        internal const string Pam = "libpam.so.0";
    }
}
