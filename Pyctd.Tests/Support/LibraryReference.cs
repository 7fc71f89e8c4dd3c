using System.Runtime.InteropServices;
using Pyctd.Interop;
using Libraries = Pyctd.Interop.Interop.Libraries;

namespace Pyctd.Tests.Support;

/// <summary>
/// libnetfilter_conntrack as the reference the tests hold pyctd's parser and conntrack line to:
/// the imports and attribute numbers only the tests use. pyctd itself imports only what it calls
/// (Pyctd/Interop/Interop.NetfilterConntrack.cs, which also has the ATTR_* numbers it sets).
/// C names are kept so the library's documentation applies.
/// </summary>
internal static unsafe partial class LibraryReference
{
    // enum nf_conntrack_attr (libnetfilter_conntrack.h): the ones read here and never set by pyctd.
    internal const int ATTR_REPL_IPV4_SRC = 2;
    internal const int ATTR_REPL_IPV4_DST = 3;
    internal const int ATTR_REPL_IPV6_SRC = 6;
    internal const int ATTR_REPL_IPV6_DST = 7;
    internal const int ATTR_REPL_PORT_SRC = 10;
    internal const int ATTR_REPL_PORT_DST = 11;
    internal const int ATTR_REPL_L4PROTO = 18;
    internal const int ATTR_TCP_STATE = 19;
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
    internal const int ATTR_SECCTX = 62;
    internal const int ATTR_TIMESTAMP_START = 63;
    internal const int ATTR_TIMESTAMP_STOP = 64;
    internal const int ATTR_CONNLABELS = 66;
    internal const int ATTR_REPL_ZONE = 69;

    internal const uint NFCT_T_UNKNOWN = 0;
    internal const uint NFCT_O_DEFAULT = 0;

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial int nfct_nlmsg_parse(void* nlh, SafeConntrackHandle ct);

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial int nfct_attr_is_set(SafeConntrackHandle ct, int type);

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial void* nfct_get_attr(SafeConntrackHandle ct, int type);

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial byte nfct_get_attr_u8(SafeConntrackHandle ct, int type);

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial ushort nfct_get_attr_u16(SafeConntrackHandle ct, int type);

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial uint nfct_get_attr_u32(SafeConntrackHandle ct, int type);

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial ulong nfct_get_attr_u64(SafeConntrackHandle ct, int type);

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial int nfct_snprintf(byte* buf, uint size, SafeConntrackHandle ct, uint msgType, uint outType, uint outFlags);

    /// <summary>The bitmask is owned by the nf_conntrack it came from (nfct_get_attr(ATTR_CONNLABELS)).</summary>
    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial int nfct_bitmask_test_bit(void* bitmask, uint bit);

    [LibraryImport(Libraries.NetfilterConntrack)]
    internal static partial uint nfct_bitmask_maxbit(void* bitmask);
}
