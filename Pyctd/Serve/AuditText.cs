namespace Pyctd.Serve;

/// <summary>Client-given text in audit lines: quoted, at most 64 characters, no control characters or quotes to forge a line with.</summary>
internal static class AuditText
{
    public static string Quote(string text) =>
        "\"" + new string(text.Take(64).Select(static c => char.IsControl(c) || c == '"' ? '?' : c).ToArray()) + "\"";
}
