namespace Pyctd.Interop;

/// <summary>
/// The process's limit on open descriptors (RLIMIT_NOFILE). A server holds one per connection, and
/// systemd and most shells start processes with a soft limit of 1,024 under a far higher hard one.
/// The CoreCLR runtime raises the soft limit by itself; Native AOT does not, so serve does it here.
/// </summary>
internal static unsafe class OpenFileLimit
{
    /// <summary>The soft limit in force (for /metrics' process_max_fds).</summary>
    public static ulong Current()
    {
        Interop.Libc.RLimit limit;
        return Interop.Libc.GetRLimit(Interop.Libc.RLIMIT_NOFILE, &limit) == 0 ? limit.Current : 0;
    }

    /// <summary>Raises the soft limit to the hard one where it can, and returns the soft limit now in force.</summary>
    public static ulong RaiseToHardLimit()
    {
        Interop.Libc.RLimit limit;
        if (Interop.Libc.GetRLimit(Interop.Libc.RLIMIT_NOFILE, &limit) != 0)
        {
            return 1024; // the usual default; only the connection cap is derived from it
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = new Interop.Libc.RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
            if (Interop.Libc.SetRLimit(Interop.Libc.RLIMIT_NOFILE, &raised) == 0)
            {
                return raised.Current;
            }
        }

        return limit.Current;
    }
}
