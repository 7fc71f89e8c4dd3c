namespace Pyctd.Tests.Support;

/// <summary>Paths inside the checkout: the scripts and the pyctd binary under test.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    /// <summary>
    /// The binary the CLI tests run: $PYCTD_BIN (make test sets it to the Native AOT build in out/),
    /// else the apphost the test build produced next to the tests' own reference.
    /// </summary>
    public static string PyctdBinary { get; } = FindBinary();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pyctd.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Pyctd.sln) above " + AppContext.BaseDirectory);
    }

    private static string FindBinary()
    {
        if (Environment.GetEnvironmentVariable("PYCTD_BIN") is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        string beside = Path.Combine(AppContext.BaseDirectory, "pyctd");
        if (File.Exists(beside))
        {
            return beside;
        }

        throw new InvalidOperationException("no pyctd binary: set PYCTD_BIN or build Pyctd first");
    }
}
