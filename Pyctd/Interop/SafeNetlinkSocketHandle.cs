using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>Owns a netlink socket file descriptor; socket(2) returns one, close(2) frees it.</summary>
internal sealed class SafeNetlinkSocketHandle : SafeHandle
{
    /// <summary>For the marshaller, which sets the descriptor socket(2) returned (-1 on failure).</summary>
    public SafeNetlinkSocketHandle() : base(-1, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == -1;

    protected override bool ReleaseHandle() => Interop.Libc.Close((int)handle) == 0;
}
