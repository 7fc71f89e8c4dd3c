namespace Pyctd.Serve;

/// <summary>
/// A small gen0 budget for the long-running server. NativeAOT's workstation GC sizes gen0 from the
/// CPU's cache (tens of megabytes of committed heap here, for request garbage that would fit in
/// two), and its one knob for it, GCgen0size, is read only from the environment at start-up. So
/// `serve` starts itself once more with DOTNET_GCgen0size set, unless the variable is already there
/// (set it yourself, e.g. in the unit, to choose another budget). The PID stays the same. A
/// process whose capabilities would not survive exec (granted to a non-root user but not ambient)
/// keeps the default budget rather than lose CAP_NET_ADMIN.
/// </summary>
internal static class GarbageBudget
{
    public const string Variable = "DOTNET_GCgen0size";

    /// <summary>2 MiB (the runtime reads the value as hex): a gen0 collection every few hundred requests.</summary>
    public const string Gen0Size = "200000";

    public static void Ensure()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null && ExecKeepsCapabilities())
        {
            Interop.SelfExec.WithVariable(Variable, Gen0Size);
        }
    }

    /// <summary>Root gets its capabilities back from exec; anyone else keeps only the ambient ones.</summary>
    private static bool ExecKeepsCapabilities()
    {
        ulong? effective = null;
        ulong? ambient = null;
        uint? uid = null;
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            string[] parts = line.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries);
            switch (parts)
            {
                case ["Uid", _, string real, ..] when uint.TryParse(real, System.Globalization.CultureInfo.InvariantCulture, out uint parsed):
                    uid = parsed;
                    break;
                case ["CapEff", string hex]:
                    effective = Convert.ToUInt64(hex, 16);
                    break;
                case ["CapAmb", string hex]:
                    ambient = Convert.ToUInt64(hex, 16);
                    break;
            }
        }

        return uid == 0 || (effective is ulong e && ambient is ulong a && (e & ~a) == 0);
    }
}
