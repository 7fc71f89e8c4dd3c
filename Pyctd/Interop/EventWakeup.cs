using Microsoft.Win32.SafeHandles;

namespace Pyctd.Interop;

/// <summary>
/// An eventfd that a signal handler (or any thread) writes to wake a thread blocked in poll(2):
/// closing a socket from another thread would not end a wait on it.
/// </summary>
internal sealed unsafe class EventWakeup : IDisposable
{
    private readonly SafeFileHandle _handle;

    public EventWakeup()
    {
        _handle = Interop.Libc.EventFd(0, Interop.Libc.EFD_CLOEXEC | Interop.Libc.EFD_NONBLOCK);
        if (_handle.IsInvalid)
        {
            throw NativeErrors.LastError("cannot create an eventfd");
        }
    }

    /// <summary>The descriptor to poll for POLLIN; valid while this object lives.</summary>
    public int Fd => (int)_handle.DangerousGetHandle();

    /// <summary>Safe to call from any thread, any number of times; the counter saturating (EAGAIN) still leaves it readable.</summary>
    public void Signal()
    {
        ulong one = 1;
        _ = Interop.Libc.Write(_handle, &one, sizeof(ulong));
    }

    public void Dispose() => _handle.Dispose();
}
