namespace Pyctd.Tests.Support;

/// <summary>
/// A conntrack lab in its own network namespace, made by scripts/ct-lab: accounting and timestamps
/// on, a fixed set of varied entries, optionally bulk flows. The host's table is never touched.
/// Live tests need root; without it they fail (they do not skip), so CI cannot pass without them.
/// </summary>
public sealed class LabNamespace : IDisposable
{
    private static int s_counter;

    public LabNamespace(int bulkFlows = 0)
    {
        if (Environment.UserName != "root" && !IsRoot())
        {
            throw new InvalidOperationException("live conntrack tests need root (CAP_NET_ADMIN and CAP_SYS_ADMIN to create namespaces)");
        }

        Name = $"pyctd-t{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        Lab("up", Name);
        try
        {
            Lab("fill", Name);
            if (bulkFlows > 0)
            {
                Flood(bulkFlows, "--proto", "mix", "--v6", "10");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>Runs a command inside the namespace (ip netns exec).</summary>
    public ProcessResult Exec(params string[] command) => ProcessRunner.Run("ip", ["netns", "exec", Name, .. command], null);

    /// <summary>`conntrack ARGS` inside the namespace; its "N flow entries" summary goes to stderr and is ignored.</summary>
    public ProcessResult Conntrack(params string[] arguments)
    {
        ProcessResult result = Exec(["conntrack", .. arguments]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"conntrack {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}");
        }

        return result;
    }

    /// <summary>`ct-lab flood`: <paramref name="flows"/> bulk entries more (TCP unless the options say otherwise).</summary>
    public void Flood(int flows, params string[] options) =>
        Lab(["flood", Name, flows.ToString(System.Globalization.CultureInfo.InvariantCulture), .. options]);

    public int Count() => int.Parse(Conntrack("-C").Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => ProcessRunner.Run(Repository.Script("ct-lab"), "down", Name);

    private static void Lab(params string[] arguments) => ProcessRunner.Check(Repository.Script("ct-lab"), arguments);

    private static bool IsRoot() => File.ReadAllText("/proc/self/status").Split('\n')
        .FirstOrDefault(static line => line.StartsWith("Uid:", StringComparison.Ordinal))?
        .Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";
}

/// <summary>One lab shared by the live tests of a collection (creating one takes a second or two).</summary>
public sealed class SharedLab : IDisposable
{
    public SharedLab() => Lab = new LabNamespace(bulkFlows: 12_000);

    public LabNamespace Lab { get; }

    public void Dispose() => Lab.Dispose();
}

[CollectionDefinition(Name)]
public sealed class LiveLabCollection : ICollectionFixture<SharedLab>
{
    public const string Name = "live lab";
}

/// <summary>A second lab for tests that change the table, so the read-only tests keep a stable one.</summary>
public sealed class MutableLab : IDisposable
{
    public MutableLab() => Lab = new LabNamespace(bulkFlows: 4_000);

    public LabNamespace Lab { get; }

    public void Dispose() => Lab.Dispose();
}

[CollectionDefinition(Name)]
public sealed class MutableLabCollection : ICollectionFixture<MutableLab>
{
    public const string Name = "mutable lab";
}
