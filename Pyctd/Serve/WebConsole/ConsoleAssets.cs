using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;

namespace Pyctd.Serve.WebConsole;

/// <summary>
/// The console's files, embedded in the binary (Pyctd.csproj: EmbeddedResource "console/…").
/// Everything but index.html is served under <c>console/VERSION/</c>, where VERSION is a hash of
/// all the files: the ES modules import each other by relative name, so one hashed directory
/// gives every file a hashed URL (cached for a year) without a build step that renames them.
/// index.html names that directory and is revalidated by ETag. Files are gzip-compressed once,
/// on first use, so a server nobody opens the console of spends nothing on it.
/// </summary>
internal sealed class ConsoleAssets
{
    private const string ResourcePrefix = "console/";

    /// <summary>Where index.html names the hashed directory; replaced when the assets are loaded.</summary>
    private const string VersionPlaceholder = "@ASSETS@";

    private static readonly Lazy<ConsoleAssets> s_embedded = new(static () => Load(typeof(ConsoleAssets).Assembly));

    private readonly Dictionary<string, ConsoleAsset> _files;

    private ConsoleAssets(ConsoleAsset index, Dictionary<string, ConsoleAsset> files, string version)
    {
        Index = index;
        _files = files;
        Version = version;
    }

    public static ConsoleAssets Embedded => s_embedded.Value;

    public ConsoleAsset Index { get; }

    /// <summary>The hash of all files, the name of the directory they are served from.</summary>
    public string Version { get; }

    public IEnumerable<string> Names => _files.Keys;

    /// <summary>A file of the hashed directory by its name there ("main.js"); null if there is none.</summary>
    public ConsoleAsset? Find(string name) => _files.GetValueOrDefault(name);

    private static ConsoleAssets Load(Assembly assembly)
    {
        var contents = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                using Stream stream = assembly.GetManifestResourceStream(resource)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                contents[resource[ResourcePrefix.Length..]] = copy.ToArray();
            }
        }

        if (!contents.Remove("index.html", out byte[]? indexTemplate))
        {
            throw new InvalidOperationException("the console's index.html is not embedded in this build");
        }

        string version = VersionOf(contents);
        var files = contents.ToDictionary(static pair => pair.Key, static pair => Asset(pair.Key, pair.Value, immutable: true), StringComparer.Ordinal);
        byte[] index = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(indexTemplate).Replace(VersionPlaceholder, $"console/{version}", StringComparison.Ordinal));
        return new ConsoleAssets(Asset("index.html", index, immutable: false), files, version);
    }

    /// <summary>A hash over every name and content: any change to any file gives a new directory.</summary>
    private static string VersionOf(SortedDictionary<string, byte[]> contents)
    {
        ulong hash = Fnv1a.Offset;
        foreach (var (name, bytes) in contents)
        {
            hash = Fnv1a.Append(hash, Encoding.UTF8.GetBytes(name));
            hash = Fnv1a.Append(hash, [0]);
            hash = Fnv1a.Append(hash, bytes);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static ConsoleAsset Asset(string name, byte[] bytes, bool immutable)
    {
        string etag = $"\"{Fnv1a.Append(Fnv1a.Offset, bytes).ToString("x16", CultureInfo.InvariantCulture)}-{bytes.Length}\"";
        return new ConsoleAsset(ContentTypeOf(name), bytes, Compress(bytes), etag, immutable);
    }

    private static byte[] Compress(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
