using System.Reflection;

namespace Pyctd;

/// <summary>The one version: &lt;Version&gt; in Directory.Build.props, as `--version`, the man page and stats() give it.</summary>
internal static class ProductVersion
{
    public static string Text { get; } =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
