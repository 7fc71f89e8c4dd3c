using System.Runtime.InteropServices;

namespace Pyctd.Interop;

/// <summary>Owns a pam_handle_t from pam_start; pam_end frees it with the status of the last call, which modules see.</summary>
internal sealed class SafePamHandle : SafeHandle
{
    /// <summary>For the marshaller, which sets the pointer pam_start wrote (NULL when it failed).</summary>
    public SafePamHandle() : base(0, ownsHandle: true)
    {
    }

    /// <summary>The status pam_end passes to the modules' cleanup functions.</summary>
    public int LastStatus { get; set; }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => Interop.Pam.pam_end(handle, LastStatus) == Interop.Pam.PAM_SUCCESS;
}
