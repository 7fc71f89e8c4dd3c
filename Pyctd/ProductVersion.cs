namespace Pyctd;

/// <summary>
/// The one version: &lt;Version&gt; in Directory.Build.props, as `--version`, the man page and
/// stats() give it. Its constant <c>Text</c> is written at build time (Pyctd.csproj,
/// WriteProductVersion) rather than read from the assembly's attributes: that read is reflection,
/// and every command paid for it at start-up (7% of the instructions of a `pyctd list -c`).
/// </summary>
internal static partial class ProductVersion;
