using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>Owns a struct nfct_filter_dump from nfct_filter_dump_create; nfct_filter_dump_destroy frees it.</summary>
internal sealed class SafeFilterDumpHandle : SafeHandle
{
    /// <summary>For the marshaller, which sets the pointer nfct_filter_dump_create returned (NULL when out of memory).</summary>
    public SafeFilterDumpHandle() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        Interop.NetfilterConntrack.nfct_filter_dump_destroy(handle);
        return true;
    }
}
