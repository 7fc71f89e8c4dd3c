namespace Pyctd.Serve;

/// <summary>
/// A small gen0 budget for the long-running server. NativeAOT's workstation GC sizes gen0 from the
/// CPU's cache (tens of megabytes of committed heap here, for request garbage that would fit in
/// two), and its one knob for it, GCgen0size, is read only from the environment at start-up. So
/// `serve` starts itself once more with DOTNET_GCgen0size set, unless the variable is already there
/// (set it yourself, e.g. in the unit, to choose another budget). The PID stays the same.
/// </summary>
internal static class GarbageBudget
{
    public const string Variable = "DOTNET_GCgen0size";

    /// <summary>2 MiB (the runtime reads the value as hex): a gen0 collection every few hundred requests.</summary>
    public const string Gen0Size = "200000";

    public static void Ensure()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Interop.SelfExec.WithVariable(Variable, Gen0Size);
        }
    }
}
