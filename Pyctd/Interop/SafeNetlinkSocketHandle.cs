using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>Owns a netlink socket file descriptor.</summary>
internal sealed class SafeNetlinkSocketHandle() : SafeHandle(-1, ownsHandle: true)
{
    public SafeNetlinkSocketHandle(int fd) : this() => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    public int Descriptor => (int)handle;

    protected override bool ReleaseHandle() => Interop.Libc.Close((int)handle) == 0;
}
