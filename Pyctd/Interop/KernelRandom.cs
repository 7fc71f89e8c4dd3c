namespace Pyctd.Interop;

/// <summary>
/// Unpredictable bytes from the kernel (getrandom(2), blocking only until the pool is first
/// seeded). .NET's RandomNumberGenerator would do as well, but on Linux it loads libcrypto, which a
/// server without password logins otherwise never needs.
/// </summary>
internal static unsafe class KernelRandom
{
    public static void Fill(Span<byte> destination)
    {
        fixed (byte* start = destination)
        {
            int filled = 0;
            while (filled < destination.Length)
            {
                nint got = Interop.Libc.GetRandom(start + filled, (nuint)(destination.Length - filled), 0);
                if (got < 0)
                {
                    int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == Interop.Libc.EINTR)
                    {
                        continue;
                    }

                    throw NativeErrors.FromErrno(errno, "getrandom");
                }

                filled += (int)got;
            }
        }
    }
}
