namespace Pyctd.Conntrack;

internal enum ChangeKind
{
    Delete,
    Mark,
    Timeout,
}

/// <summary>What kill, mark and timeout do to each selected connection.</summary>
internal readonly record struct ConnectionChange(ChangeKind Kind, uint Value, uint Mask)
{
    public static ConnectionChange Delete { get; } = new(ChangeKind.Delete, 0, 0);

    /// <summary>new mark = (old AND NOT mask) OR (value AND mask); the kernel applies it atomically.</summary>
    public static ConnectionChange SetMark(uint value, uint mask) => new(ChangeKind.Mark, value & mask, mask);

    public static ConnectionChange SetTimeout(uint seconds) => new(ChangeKind.Timeout, seconds, 0);
}
