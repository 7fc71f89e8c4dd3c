namespace Pyctd.Tests.Support;

/// <summary>Runs the pyctd executable the way a user does.</summary>
internal static class PyctdProcess
{
    public static ProcessResult Run(params string[] arguments) => ProcessRunner.Run(Repository.PyctdBinary, arguments, null);

    public static ProcessResult Run(IDictionary<string, string> environment, params string[] arguments) =>
        ProcessRunner.Run(Repository.PyctdBinary, arguments, environment);

    /// <summary>
    /// Runs pyctd in a new, empty network namespace (unshare --net; needs root): for command lines
    /// that must fail before touching any table, so that if one does not, it reads or changes an
    /// empty table, never the host's.
    /// </summary>
    public static ProcessResult RunInEmptyNamespace(params string[] arguments) =>
        ProcessRunner.Run("unshare", ["--net", "--", Repository.PyctdBinary, .. arguments], null, TimeSpan.FromSeconds(30));
}
