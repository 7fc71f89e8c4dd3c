using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Interop;

/// <summary>
/// Layers point one way: Interop (imports, SafeHandles, errno) knows nothing of the layers built on
/// it. A file in Pyctd/Interop/ that names one of them, by a using, an alias or a qualified name,
/// fails here, and so does a global using that would bring one into every file.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Everything above Interop, now and as the domain rewrite names it.</summary>
    private static readonly string[] s_layersAbove = ["Conntrack", "Netlink", "Domain", "Filtering", "Sorting", "Output", "Serve", "Cli"];

    private static readonly Regex s_reference = new(
        $@"(?<![\w.])(?:global::)?(?:Pyctd\s*\.\s*)?(?<layer>{string.Join('|', s_layersAbove)})\s*\.",
        RegexOptions.CultureInvariant);

    private static readonly Regex s_usingDirective = new(
        $@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?Pyctd\s*\.\s*(?<layer>{string.Join('|', s_layersAbove)})\b",
        RegexOptions.CultureInvariant | RegexOptions.Multiline);

    [Fact]
    public void InteropSources_NameNoLayerAboveThem()
    {
        string directory = Path.Combine(Repository.Root, "Pyctd", "Interop");
        string[] files = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories);
        Assert.True(files.Length >= 5, $"only {files.Length} files under {directory}");

        var offences = new List<string>();
        foreach (string file in files)
        {
            string code = CodeOnly(File.ReadAllText(file));
            offences.AddRange(s_usingDirective.Matches(code).Concat(s_reference.Matches(code))
                .Select(match => $"{Path.GetRelativePath(Repository.Root, file)}:{LineOf(code, match.Index)}: {match.Value.Trim()}"));
        }

        Assert.True(offences.Count == 0, "Interop reaches up a layer:\n" + string.Join('\n', offences.Distinct()));
    }

    [Fact]
    public void ProductSources_HaveNoGlobalUsingOfALayer()
    {
        string product = Path.Combine(Repository.Root, "Pyctd");
        var offences = Directory.GetFiles(product, "*.cs", SearchOption.AllDirectories)
            .Where(static file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => s_usingDirective.Matches(CodeOnly(File.ReadAllText(file)))
                .Where(static match => match.Value.TrimStart().StartsWith("global", StringComparison.Ordinal))
                .Select(match => $"{Path.GetRelativePath(Repository.Root, file)}: {match.Value.Trim()}"))
            .ToList();
        foreach (string project in Directory.GetFiles(Repository.Root, "*.props").Concat(Directory.GetFiles(product, "*.csproj")))
        {
            offences.AddRange(UsingItem().Matches(File.ReadAllText(project)).Select(match => $"{Path.GetFileName(project)}: {match.Value}"));
        }

        Assert.True(offences.Count == 0, "a global using reaches every file, Interop's too:\n" + string.Join('\n', offences));
    }

    /// <summary>The compiled types say the same: no field, signature or base type of Pyctd.Interop is from a layer above.</summary>
    [Fact]
    public void InteropTypes_SignaturesUseNoTypeFromALayerAbove()
    {
        Type[] interop = typeof(Pyctd.Interop.NativeErrors).Assembly.GetTypes()
            .Where(static type => type.Namespace == "Pyctd.Interop")
            .ToArray();
        Assert.Contains(interop, static type => type.Name == "SafeConntrackHandle");

        const BindingFlags everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var offences = new List<string>();
        foreach (Type type in interop)
        {
            IEnumerable<Type> used = [
                .. type.BaseType is null ? [] : new[] { type.BaseType },
                .. type.GetFields(everything).Select(static field => field.FieldType),
                .. type.GetMethods(everything).SelectMany(static method => method.GetParameters().Select(static p => p.ParameterType).Append(method.ReturnType)),
                .. type.GetConstructors(everything).SelectMany(static constructor => constructor.GetParameters().Select(static p => p.ParameterType)),
            ];
            offences.AddRange(used.Select(Unwrap).Where(IsAbove).Select(t => $"{type.FullName} uses {t.FullName}"));
        }

        Assert.True(offences.Count == 0, string.Join('\n', offences.Distinct()));
    }

    [Theory]
    [InlineData("using Pyctd.Conntrack;")]
    [InlineData("using static Pyctd.Output.AddressText;")]
    [InlineData("using Record = Pyctd.Conntrack.ConntrackRecord;")]
    [InlineData("global using Pyctd.Serve;")]
    [InlineData("void F(in Conntrack.ConntrackRecord r) { }")]
    [InlineData("var x = global::Pyctd.Cli.PyctdCli.Version;")]
    [InlineData("Pyctd . Domain . Fields.IFieldWriter w;")]
    public void Scan_ReferencesItMustCatch_AreCaught(string code) =>
        Assert.True(s_usingDirective.IsMatch(code) || s_reference.IsMatch(code), code);

    [Theory]
    [InlineData("internal static partial class NetfilterConntrack { }")]
    [InlineData("Interop.NetfilterConntrack.nfct_new();")]
    [InlineData("// uses Conntrack.ConntrackRecord in a comment")]
    [InlineData("throw new X(\"see Conntrack.ConntrackRecord\");")]
    [InlineData("/// <see cref=\"Output.AddressText\"/> in a doc comment")]
    public void Scan_NamesThatAreNotReferences_AreNotCaught(string code)
    {
        string only = CodeOnly(code);
        Assert.False(s_usingDirective.IsMatch(only) || s_reference.IsMatch(only), code);
    }

    private static Type Unwrap(Type type)
    {
        while (type.HasElementType)
        {
            type = type.GetElementType()!;
        }

        return type;
    }

    private static bool IsAbove(Type type) =>
        type.Namespace is { } name && s_layersAbove.Any(layer => name == $"Pyctd.{layer}" || name.StartsWith($"Pyctd.{layer}.", StringComparison.Ordinal));

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    /// <summary>
    /// The text with comments and the contents of plain string and char literals blanked out
    /// (line breaks kept, so line numbers still match). Interpolated strings are kept whole:
    /// their holes are code.
    /// </summary>
    private static string CodeOnly(string text)
    {
        var code = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                code.Append('\n', text.AsSpan(i, end - i).Count('\n'));
                i = end;
            }
            else if ((text[i] == '"' || text[i] == '\'') && (i == 0 || text[i - 1] != '$'))
            {
                i = SkipLiteral(text, i, code);
            }
            else
            {
                code.Append(text[i++]);
            }
        }

        return code.ToString();
    }

    private static int SkipLiteral(string text, int start, StringBuilder code)
    {
        char quote = text[start];
        bool verbatim = start > 0 && text[start - 1] == '@';
        int i = start + 1;
        while (i < text.Length && text[i] != quote && (verbatim || text[i] != '\n'))
        {
            i += !verbatim && text[i] == '\\' ? 2 : 1;
        }

        code.Append(quote).Append(quote);
        return Math.Min(i + 1, text.Length);
    }

    [GeneratedRegex(@"<Using\s+Include=""Pyctd\.[^""]*""", RegexOptions.CultureInvariant)]
    private static partial Regex UsingItem();
}
