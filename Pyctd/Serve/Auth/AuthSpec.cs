namespace Pyctd.Serve.Auth;

/// <summary>
/// The value of --auth and of the config key auth: "none", "file", "pam", "pam:SERVICE" or
/// "exec:/PATH". The target is the PAM service or the program's path.
/// </summary>
internal static class AuthSpec
{
    public const string DefaultPamService = "pyctd";

    public const string Forms = "none, file, pam[:SERVICE] or exec:/PATH";

    public static bool TryParse(string text, out AuthMode mode, out string? target, out string error)
    {
        (mode, target, error) = (AuthMode.None, null, string.Empty);
        switch (text)
        {
            case "none":
                return true;
            case "file":
                mode = AuthMode.File;
                return true;
            case "pam":
                (mode, target) = (AuthMode.Pam, DefaultPamService);
                return true;
        }

        if (text.StartsWith("pam:", StringComparison.Ordinal))
        {
            string service = text[4..];
            // A file name under /etc/pam.d: no slash, no dot-dot.
            if (service.Length is 0 or > 64 || service.StartsWith('.') || !service.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                error = $"'{service}' is not a PAM service name (letters, digits, . _ -)";
                return false;
            }

            (mode, target) = (AuthMode.Pam, service);
            return true;
        }

        if (text.StartsWith("exec:", StringComparison.Ordinal))
        {
            string path = text[5..];
            if (!Path.IsPathFullyQualified(path))
            {
                error = $"exec: '{path}' is not an absolute path";
                return false;
            }

            (mode, target) = (AuthMode.Exec, path);
            return true;
        }

        error = $"'{text}' is not an auth mode ({Forms})";
        return false;
    }

    /// <summary>The text that parses back to this mode and target.</summary>
    public static string Format(AuthMode mode, string? target) => mode switch
    {
        AuthMode.Pam => $"pam:{target}",
        AuthMode.Exec => $"exec:{target}",
        _ => mode.ToString().ToLowerInvariant(),
    };
}
