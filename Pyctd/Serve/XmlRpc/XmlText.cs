using System.Buffers;
using System.Text;

namespace Pyctd.Serve.XmlRpc;

/// <summary>
/// Element text for XML 1.0, encoded as UTF-8 straight into a destination span: &amp;, &lt; and
/// &gt; escaped, \r kept as &amp;#xD; (a parser would otherwise turn \r\n into \n). XML 1.0 cannot
/// carry most C0 controls, U+FFFE/U+FFFF or unpaired surrogates at all, not even as references.
/// Our own strings with such characters are a -32603 fault (decided before a response starts);
/// bytes from the kernel are made safe with '?' instead, so one odd label never hides a table.
/// </summary>
internal static class XmlText
{
    /// <summary>The most bytes one UTF-16 char or one input byte can become: "&amp;amp;" or "&amp;#xD;".</summary>
    public const int MaxBytesPerUnit = 5;

    // Everything the fast path cannot copy as is: markup, \r, the C0 controls XML forbids (tab and
    // \n are allowed), every surrogate (pairs are checked one by one), and the two non-characters.
    private static readonly SearchValues<char> s_charsToInspect = SearchValues.Create(CharsToInspect());

    private static readonly SearchValues<byte> s_bytesToInspect = SearchValues.Create(BytesToInspect());

    /// <summary>Every character is one XML 1.0 allows (surrogate pairs included).</summary>
    public static bool IsWritable(ReadOnlySpan<char> text)
    {
        while (true)
        {
            int next = text.IndexOfAny(s_charsToInspect);
            if (next < 0)
            {
                return true;
            }

            int width = CharWidth(text[next..]);
            if (width == 0)
            {
                return false;
            }

            text = text[(next + width)..];
        }
    }

    /// <summary>
    /// Writes <paramref name="text"/> escaped; <paramref name="destination"/> holds at least
    /// <see cref="MaxBytesPerUnit"/> bytes per char. A character XML cannot carry is the -32603
    /// fault (callers check with <see cref="IsWritable"/> before a response starts), or '?' with
    /// <paramref name="replaceUnwritable"/> (fault messages, which echo what clients sent).
    /// </summary>
    public static int Escape(ReadOnlySpan<char> text, Span<byte> destination, bool replaceUnwritable = false)
    {
        int written = 0;
        while (true)
        {
            int next = text.IndexOfAny(s_charsToInspect);
            ReadOnlySpan<char> plain = next < 0 ? text : text[..next];
            // The plain run holds no surrogate at all, so transcoding cannot fail.
            written += Encoding.UTF8.GetBytes(plain, destination[written..]);
            if (next < 0)
            {
                return written;
            }

            text = text[next..];
            int width = CharWidth(text);
            if (width == 0)
            {
                if (!replaceUnwritable)
                {
                    throw NotWritable();
                }

                destination[written++] = (byte)'?';
                text = text[1..];
                continue;
            }

            written += width == 2
                ? new Rune(text[0], text[1]).EncodeToUtf8(destination[written..])
                : Markup(text[0], destination[written..]);
            text = text[width..];
        }
    }

    /// <summary>
    /// Writes bytes the kernel gave (names, labels, security contexts) escaped. Valid UTF-8 of
    /// characters XML allows is kept; invalid sequences and forbidden controls become '?'.
    /// <paramref name="destination"/> holds at least <see cref="MaxBytesPerUnit"/> bytes per input byte.
    /// </summary>
    public static int EscapeOrReplace(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        int written = 0;
        while (true)
        {
            int next = text.IndexOfAny(s_bytesToInspect);
            ReadOnlySpan<byte> plain = next < 0 ? text : text[..next];
            plain.CopyTo(destination[written..]);
            written += plain.Length;
            if (next < 0)
            {
                return written;
            }

            text = text[next..];
            byte first = text[0];
            int consumed = 1;
            if (first >= 0x80)
            {
                bool valid = Rune.DecodeFromUtf8(text, out Rune rune, out consumed) == OperationStatus.Done && IsXmlCharacter(rune.Value);
                if (valid)
                {
                    text[..consumed].CopyTo(destination[written..]);
                    written += consumed;
                }
                else
                {
                    destination[written++] = (byte)'?';
                }
            }
            else
            {
                written += Markup((char)first, destination[written..]);
            }

            text = text[consumed..];
        }
    }

    public static XmlRpcFault NotWritable() => new(XmlRpcFault.Internal, "the result holds a character XML cannot carry");

    /// <summary>How many chars the character at the start of <paramref name="text"/> takes: 1, 2 for a surrogate pair, 0 when XML cannot carry it.</summary>
    private static int CharWidth(ReadOnlySpan<char> text)
    {
        char c = text[0];
        if (char.IsHighSurrogate(c))
        {
            return text.Length > 1 && char.IsLowSurrogate(text[1]) ? 2 : 0;
        }

        return IsXmlCharacter(c) ? 1 : 0;
    }

    /// <summary>One XML-allowed ASCII char or BMP char that the fast path stopped at; a forbidden control becomes '?'.</summary>
    private static int Markup(char c, Span<byte> destination)
    {
        ReadOnlySpan<byte> text = c switch
        {
            '&' => "&amp;"u8,
            '<' => "&lt;"u8,
            '>' => "&gt;"u8,
            '\r' => "&#xD;"u8,
            _ when !IsXmlCharacter(c) => "?"u8,
            _ => default,
        };
        if (!text.IsEmpty)
        {
            text.CopyTo(destination);
            return text.Length;
        }

        return new Rune(c).EncodeToUtf8(destination);
    }

    /// <summary>XML 1.0's Char production: tab, \n, \r, U+0020–U+D7FF, U+E000–U+FFFD, U+10000 and up.</summary>
    private static bool IsXmlCharacter(int value) =>
        value is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);

    private static string CharsToInspect()
    {
        var chars = new StringBuilder("&<>");
        for (char c = '\0'; c < ' '; c++)
        {
            if (c is not ('\t' or '\n'))
            {
                chars.Append(c);
            }
        }

        for (int c = 0xD800; c <= 0xDFFF; c++)
        {
            chars.Append((char)c);
        }

        return chars.Append('\uFFFE').Append('\uFFFF').ToString();
    }

    private static byte[] BytesToInspect()
    {
        var bytes = new List<byte> { (byte)'&', (byte)'<', (byte)'>' };
        for (int b = 0; b < 0x20; b++)
        {
            if (b is not ('\t' or '\n'))
            {
                bytes.Add((byte)b);
            }
        }

        for (int b = 0x80; b <= 0xFF; b++)
        {
            bytes.Add((byte)b);
        }

        return [.. bytes];
    }
}
