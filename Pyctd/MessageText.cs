using System.Globalization;
using System.Text;

namespace Pyctd;

/// <summary>
/// Makes an error message safe to print: every message is one line, and text a user or a file
/// supplied cannot break it or drive the terminal. Control characters (C0, DEL, C1), the Unicode
/// line separators and the bidirectional overrides become visible escapes: \n, \r, \t, \x1b, \u202e.
/// </summary>
internal static class MessageText
{
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when !NeedsEscape(c) => c.ToString(),
                _ when c <= '\u00ff' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }

        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || c is '\u2028' or '\u2029' // line and paragraph separators
        || c is (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069'); // bidi embeddings, overrides, isolates
}
