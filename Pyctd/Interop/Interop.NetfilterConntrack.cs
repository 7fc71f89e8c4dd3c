using System.Runtime.InteropServices;

namespace Pyctd.Interop;

internal static partial class Interop
{
    /// <summary>
    /// libnetfilter_conntrack 1.0.x. C names are kept so its documentation applies. pyctd uses it to
    /// build requests and, in tests, as the reference parser and formatter its own fast path is checked against.
    /// </summary>
    internal static unsafe partial class NetfilterConntrack
    {
        // enum nf_conntrack_attr (libnetfilter_conntrack.h); only the ones pyctd reads or sets.
        internal const int ATTR_ORIG_IPV4_SRC = 0;
        internal const int ATTR_ORIG_IPV4_DST = 1;
        internal const int ATTR_REPL_IPV4_SRC = 2;
        internal const int ATTR_REPL_IPV4_DST = 3;
        internal const int ATTR_ORIG_IPV6_SRC = 4;
        internal const int ATTR_ORIG_IPV6_DST = 5;
        internal const int ATTR_REPL_IPV6_SRC = 6;
        internal const int ATTR_REPL_IPV6_DST = 7;
        internal const int ATTR_ORIG_PORT_SRC = 8;
        internal const int ATTR_ORIG_PORT_DST = 9;
        internal const int ATTR_REPL_PORT_SRC = 10;
        internal const int ATTR_REPL_PORT_DST = 11;
        internal const int ATTR_ICMP_TYPE = 12;
        internal const int ATTR_ICMP_CODE = 13;
        internal const int ATTR_ICMP_ID = 14;
        internal const int ATTR_ORIG_L3PROTO = 15;
        internal const int ATTR_REPL_L3PROTO = 16;
        internal const int ATTR_ORIG_L4PROTO = 17;
        internal const int ATTR_REPL_L4PROTO = 18;
        internal const int ATTR_TCP_STATE = 19;
        internal const int ATTR_TIMEOUT = 24;
        internal const int ATTR_MARK = 25;
        internal const int ATTR_ORIG_COUNTER_PACKETS = 26;
        internal const int ATTR_REPL_COUNTER_PACKETS = 27;
        internal const int ATTR_ORIG_COUNTER_BYTES = 28;
        internal const int ATTR_REPL_COUNTER_BYTES = 29;
        internal const int ATTR_USE = 30;
        internal const int ATTR_ID = 31;
        internal const int ATTR_STATUS = 32;
        internal const int ATTR_SECMARK = 45;
        internal const int ATTR_SCTP_STATE = 52;
        internal const int ATTR_HELPER_NAME = 55;
        internal const int ATTR_DCCP_STATE = 56;
        internal const int ATTR_ZONE = 61;
        internal const int ATTR_SECCTX = 62;
        internal const int ATTR_TIMESTAMP_START = 63;
        internal const int ATTR_TIMESTAMP_STOP = 64;
        internal const int ATTR_CONNLABELS = 66;
        internal const int ATTR_ORIG_ZONE = 68;
        internal const int ATTR_REPL_ZONE = 69;

        // enum nfct_filter_dump_attr
        internal const int NFCT_FILTER_DUMP_MARK = 0;
        internal const int NFCT_FILTER_DUMP_L3NUM = 1;
        internal const int NFCT_FILTER_DUMP_STATUS = 2;

        internal const uint NFCT_T_UNKNOWN = 0;
        internal const uint NFCT_O_DEFAULT = 0;

        /// <summary>struct nfct_filter_dump_mark: a value and the mask it is compared under.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct nfct_filter_dump_mark
        {
            public uint val;
            public uint mask;
        }

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial nint nfct_new();

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_destroy(nint ct);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial int nfct_nlmsg_parse(void* nlh, nint ct);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial int nfct_attr_is_set(nint ct, int type);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void* nfct_get_attr(nint ct, int type);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial byte nfct_get_attr_u8(nint ct, int type);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial ushort nfct_get_attr_u16(nint ct, int type);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial uint nfct_get_attr_u32(nint ct, int type);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial ulong nfct_get_attr_u64(nint ct, int type);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial int nfct_snprintf(byte* buf, uint size, nint ct, uint msgType, uint outType, uint outFlags);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial int nfct_bitmask_test_bit(void* bitmask, uint bit);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial uint nfct_bitmask_maxbit(void* bitmask);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial nint nfct_filter_dump_create();

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_filter_dump_destroy(nint filter);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_filter_dump_set_attr(nint filter, int type, void* data);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_filter_dump_set_attr_u8(nint filter, int type, byte data);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_set_attr(nint ct, int type, void* value);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_set_attr_u8(nint ct, int type, byte value);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_set_attr_u16(nint ct, int type, ushort value);

        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial void nfct_set_attr_u32(nint ct, int type, uint value);

        /// <summary>Appends the attributes set on <paramref name="ct"/> to <paramref name="nlh"/>; never CTA_ID.</summary>
        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial int nfct_nlmsg_build(void* nlh, nint ct);

        /// <summary>Appends the filter's attributes (mark/mask, status/mask) to <paramref name="nlh"/> and grows nlmsg_len; the family goes in nfgenmsg, which we write.</summary>
        [LibraryImport(Libraries.NetfilterConntrack)]
        internal static partial int nfct_nlmsg_build_filter(void* nlh, nint filter);
    }
}
