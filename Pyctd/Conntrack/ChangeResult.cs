using Pyctd.Interop;
using Libc = Pyctd.Interop.Interop.Libc;

namespace Pyctd.Conntrack;

/// <summary>What became of one selected connection.</summary>
internal enum ChangeOutcome
{
    Changed,

    /// <summary>It vanished (expired, or was deleted) between selection and action.</summary>
    Gone,

    /// <summary>The kernel refused this one entry (EBUSY, ETIME, ...): see <see cref="ChangeResult.Message"/>.</summary>
    Failed,
}

/// <summary>
/// The kernel's answer to the change of one entry: the outcome and, for a failure, why. The errno
/// stays inside; callers read <see cref="Outcome"/> and, to tell a person, <see cref="Message"/>.
/// </summary>
internal readonly struct ChangeResult
{
    // An errno no kernel sends: the entry's timeout is fixed, so a timeout change was not even sent.
    private const int FixedTimeoutErrno = -1;

    private readonly int _errno;

    private ChangeResult(ChangeOutcome outcome, int errno)
    {
        Outcome = outcome;
        _errno = errno;
    }

    public static ChangeResult Changed => new(ChangeOutcome.Changed, 0);

    /// <summary>Also what a caller reports for an entry it could not find to begin with.</summary>
    public static ChangeResult Gone => new(ChangeOutcome.Gone, 0);

    /// <summary>
    /// The entry's timeout is fixed: the kernel refuses any further timeout change (with EPERM, which
    /// would otherwise read as "permission denied"), so none is sent.
    /// </summary>
    public static ChangeResult TimeoutFixed => new(ChangeOutcome.Failed, FixedTimeoutErrno);

    public ChangeOutcome Outcome { get; }

    /// <summary>EBUSY: the status bits sent did not match the entry's (it has changed since it was read).</summary>
    public bool IsBusy => Outcome == ChangeOutcome.Failed && _errno == Libc.EBUSY;

    /// <summary>One line for a person: "Device or resource busy (errno 16)" for a failure.</summary>
    public string Message => Outcome switch
    {
        ChangeOutcome.Changed => "changed",
        ChangeOutcome.Gone => NativeErrors.NoSuchConnectionMessage,
        _ when _errno == FixedTimeoutErrno => "its timeout is fixed: the kernel allows no further timeout change (kill it instead)",
        _ => NativeErrors.Describe(_errno),
    };

    /// <summary>
    /// From the errno of the entry's NLMSG_ERROR (0 is the acknowledgement). EPERM/EACCES is not an
    /// outcome: it stops the whole change, so it is thrown here as the exit-4 error.
    /// </summary>
    public static ChangeResult FromAcknowledgement(int errno) => errno switch
    {
        0 => Changed,
        Libc.ENOENT => Gone,
        _ when NativeErrors.IsPermissionDenied(errno) => throw NativeErrors.FromErrno(errno, "cannot change the conntrack table"),
        _ => new ChangeResult(ChangeOutcome.Failed, errno),
    };

    public override string ToString() => Message;
}
