namespace Pyctd.Cli;

/// <summary>The value `pyctd mark` sets: VALUE[/MASK]; without a mask every bit is replaced.</summary>
internal readonly record struct MarkSpec(uint Value, uint Mask)
{
    public static bool TryParse(string text, out MarkSpec mark, out string? error)
    {
        mark = default;
        error = null;
        int slash = text.IndexOf('/');
        string valueText = slash < 0 ? text : text[..slash];
        uint mask = uint.MaxValue;
        if (!ValueParsers.TryParseUInt32(valueText, out uint value)
            || (slash >= 0 && !ValueParsers.TryParseUInt32(text[(slash + 1)..], out mask)))
        {
            error = $"'{text}' is not a mark: VALUE or VALUE/MASK, each 0-4294967295 or 0x hex";
            return false;
        }

        mark = new MarkSpec(value, mask);
        return true;
    }
}
