namespace Pyctd.Tests.Support;

/// <summary>Runs the pyctd executable the way a user does.</summary>
internal static class PyctdProcess
{
    public static ProcessResult Run(params string[] arguments) => ProcessRunner.Run(Repository.PyctdBinary, arguments, null);

    public static ProcessResult Run(IDictionary<string, string> environment, params string[] arguments) =>
        ProcessRunner.Run(Repository.PyctdBinary, arguments, environment);
}
