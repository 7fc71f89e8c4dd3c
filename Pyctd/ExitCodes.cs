namespace Pyctd;

/// <summary>Process exit codes; documented in --help, the README and pyctd(8).</summary>
internal enum ExitCode
{
    Success = 0,

    /// <summary>The kernel or the system refused, or (kill/mark/timeout) nothing matched.</summary>
    Failure = 1,

    /// <summary>Bad command line: unknown option, malformed address, port, mark or id.</summary>
    Usage = 2,

    /// <summary>libnetfilter_conntrack.so.3 could not be loaded.</summary>
    MissingLibrary = 3,

    /// <summary>The kernel said EPERM/EACCES: CAP_NET_ADMIN is missing.</summary>
    Permission = 4,
}

/// <summary>
/// An expected failure: printed as one line on stderr, no stack trace, and the process exits with
/// <see cref="Code"/>. Anything else that escapes is a bug and is shown in full with --verbose.
/// </summary>
internal sealed class PyctdException(ExitCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public ExitCode Code { get; } = code;
}
