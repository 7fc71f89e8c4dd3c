using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>Owns a struct nf_conntrack from nfct_new; nfct_destroy frees it.</summary>
internal sealed class SafeConntrackHandle : SafeHandle
{
    /// <summary>For the marshaller, which sets the pointer nfct_new returned (NULL when out of memory).</summary>
    public SafeConntrackHandle() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        Interop.NetfilterConntrack.nfct_destroy(handle);
        return true;
    }
}
