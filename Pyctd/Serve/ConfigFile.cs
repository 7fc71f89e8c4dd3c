namespace Pyctd.Serve;

/// <summary>
/// /etc/pyctd/pyctd.conf: "key = value" lines, '#' comments. Keys are serve's long option names
/// without the dashes; `listen` may repeat. Unknown keys and malformed lines are errors that name
/// the file and line, so a typo never silently falls back to a default.
/// </summary>
internal sealed class ConfigFile
{
    public const string DefaultPath = "/etc/pyctd/pyctd.conf";

    public static readonly string[] Keys =
    [
        "listen", "tls-cert", "tls-key", "auth", "users", "read-only", "session-timeout", "autorefresh",
        "max-request-size", "max-connections-per-address", "allow-unauthenticated-remote", "netns",
        "i8",
        "console",
        "metrics", "metrics-listen", "metrics-top",
    ];

    private readonly Dictionary<string, List<(string Value, int Line)>> _values = new(StringComparer.Ordinal);

    private ConfigFile(string path) => Path = path;

    public string Path { get; }

    public static ConfigFile Empty { get; } = new("(none)");

    public static ConfigFile Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new PyctdException(ExitCode.Failure, $"cannot read {path}: {error.Message}");
        }

        var file = new ConfigFile(path);
        for (int number = 1; number <= lines.Length; number++)
        {
            string line = lines[number - 1].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int equals = line.IndexOf('=');
            if (equals <= 0)
            {
                throw new PyctdException(ExitCode.Usage, $"{path}:{number}: expected 'key = value', got '{line}'");
            }

            string key = line[..equals].Trim();
            string value = line[(equals + 1)..].Trim();
            if (!Keys.Contains(key))
            {
                throw new PyctdException(ExitCode.Usage, $"{path}:{number}: unknown key '{key}' (keys: {string.Join(", ", Keys)})");
            }

            if (value.Length == 0)
            {
                throw new PyctdException(ExitCode.Usage, $"{path}:{number}: '{key}' has no value");
            }

            if (!file._values.TryGetValue(key, out var values))
            {
                file._values[key] = values = [];
            }
            else if (key != "listen")
            {
                throw new PyctdException(ExitCode.Usage, $"{path}:{number}: '{key}' is set twice (only 'listen' may repeat)");
            }

            values.Add((value, number));
        }

        return file;
    }

    public IReadOnlyList<string> All(string key) =>
        _values.TryGetValue(key, out var values) ? values.Select(static v => v.Value).ToArray() : [];

    public string? Text(string key) => _values.TryGetValue(key, out var values) ? values[0].Value : null;

    /// <summary>The text, if <paramref name="problem"/> finds none (returns null); else an error naming file, line and key.</summary>
    public string? Text(string key, Func<string, string?> problem)
    {
        if (!_values.TryGetValue(key, out var values))
        {
            return null;
        }

        var (text, line) = values[0];
        return problem(text) is string error ? throw new PyctdException(ExitCode.Usage, $"{Path}:{line}: {key}: {error}") : text;
    }

    /// <summary>The value parsed by <paramref name="parse"/>; a bad one is an error naming file, line and key.</summary>
    public T? Value<T>(string key, Func<string, (bool Ok, T Value)> parse, string expected)
        where T : struct
    {
        if (!_values.TryGetValue(key, out var values))
        {
            return null;
        }

        var (text, line) = values[0];
        var (ok, value) = parse(text);
        return ok ? value : throw new PyctdException(ExitCode.Usage, $"{Path}:{line}: {key}: '{text}' is not {expected}");
    }

    public bool? Flag(string key) => Value(key, static text => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => (true, true),
        "false" or "no" or "off" or "0" => (true, false),
        _ => (false, false),
    }, "true or false");

    /// <summary>A decimal number; "010" is refused, as on the command line, where a leading zero means octal to conntrack.</summary>
    public int? Integer(string key, int minimum) =>
        Value(key, text =>
        {
            bool ok = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n);
            return (ok && n >= minimum && text is not ['0', _, ..], n);
        }, $"a whole number of at least {minimum} (no leading zero)");
}
