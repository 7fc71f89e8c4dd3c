namespace Pyctd.Interop;

/// <summary>The clock conntrack(8) reads for delta-time.</summary>
internal static class WallClock
{
    /// <summary>
    /// Seconds since the epoch from time(2), as libnetfilter_conntrack reads them: near a second's
    /// boundary it may still say the previous second while DateTimeOffset.UtcNow says the next, and
    /// `-o conntrack` must print the same delta-time as conntrack.
    /// </summary>
    public static long UnixSeconds() => Interop.Libc.Time(0);

    /// <summary>CLOCK_REALTIME in nanoseconds, the clock conntrack -E's gettimeofday reads for its time prefix.</summary>
    public static unsafe long UnixNanoseconds()
    {
        Interop.Libc.TimeSpec now;
        _ = Interop.Libc.ClockGetTime(Interop.Libc.CLOCK_REALTIME, &now); // cannot fail for CLOCK_REALTIME with a valid pointer
        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }
}
