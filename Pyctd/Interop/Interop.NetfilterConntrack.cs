using System.Runtime.InteropServices;

namespace Pyctd.Interop;

internal static partial class Interop
{
    /// <summary>
    /// libnetfilter_conntrack 1.0.x. C names are kept so its documentation applies. pyctd uses it to
    /// build requests; the tests also use it as the reference parser and formatter (their own
    /// imports, in Pyctd.Tests/Support/LibraryReference.cs), so only what pyctd calls is here.
    /// </summary>
    internal static unsafe partial class NetfilterConntrack
    {
        // enum nf_conntrack_attr (libnetfilter_conntrack.h); the ones pyctd sets. The tests add those they read.
        internal const int ATTR_ORIG_IPV4_SRC = 0;
        internal const int ATTR_ORIG_IPV4_DST = 1;
        internal const int ATTR_ORIG_IPV6_SRC = 4;
        internal const int ATTR_ORIG_IPV6_DST = 5;
        internal const int ATTR_ORIG_PORT_SRC = 8;
        internal const int ATTR_ORIG_PORT_DST = 9;
        internal const int ATTR_ICMP_TYPE = 12;
        internal const int ATTR_ICMP_CODE = 13;
        internal const int ATTR_ICMP_ID = 14;
        internal const int ATTR_ORIG_L3PROTO = 15;
        internal const int ATTR_ORIG_L4PROTO = 17;
        internal const int ATTR_TIMEOUT = 24;
        internal const int ATTR_MARK = 25;
        internal const int ATTR_ZONE = 61;
        internal const int ATTR_ORIG_ZONE = 68;

        // enum nfct_filter_dump_attr
        internal const int NFCT_FILTER_DUMP_MARK = 0;
        internal const int NFCT_FILTER_DUMP_L3NUM = 1;
        internal const int NFCT_FILTER_DUMP_STATUS = 2;

        /// <summary>struct nfct_filter_dump_mark: a value and the mask it is compared under.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct nfct_filter_dump_mark
        {
            public uint val;
            public uint mask;
        }

        /// <summary>NULL (an invalid handle) only when malloc failed.</summary>
        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial SafeConntrackHandle nfct_new();

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_destroy(nint ct);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_set_attr(SafeConntrackHandle ct, int type, void* value);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_set_attr_u8(SafeConntrackHandle ct, int type, byte value);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_set_attr_u16(SafeConntrackHandle ct, int type, ushort value);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_set_attr_u32(SafeConntrackHandle ct, int type, uint value);

        /// <summary>
        /// Appends the attributes set on <paramref name="ct"/> to <paramref name="nlh"/>; never CTA_ID.
        /// Returns -1 with errno set (EINVAL: no layer-3 protocol) on failure.
        /// </summary>
        [LibraryImport(Libraries.NetfilterConntrack, SetLastError = true)]
        internal static partial int nfct_nlmsg_build(void* nlh, SafeConntrackHandle ct);

        /// <summary>NULL (an invalid handle) only when malloc failed.</summary>
        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial SafeFilterDumpHandle nfct_filter_dump_create();

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_filter_dump_destroy(nint filter);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_filter_dump_set_attr(SafeFilterDumpHandle filter, int type, void* data);

        /// <summary>Appends the filter's attributes (mark/mask, status/mask) to <paramref name="nlh"/> and grows nlmsg_len; the family goes in nfgenmsg, which we write.</summary>
        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial int nfct_nlmsg_build_filter(void* nlh, SafeFilterDumpHandle filter);
    }
}
