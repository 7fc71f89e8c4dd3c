namespace Pyctd.Conntrack;

internal enum ChangeKind
{
    Delete,
    Mark,
    Timeout,

    /// <summary>
    /// A timeout that traffic no longer refreshes: CTA_TIMEOUT with IPS_FIXED_TIMEOUT in CTA_STATUS.
    /// The kernel then refuses every later timeout change (EPERM) and never clears the bit
    /// (ctnetlink only sets status bits), so the entry keeps it until it expires or is killed.
    /// </summary>
    FixedTimeout,
}

/// <summary>What kill, mark and timeout do to each selected connection.</summary>
internal readonly record struct ConnectionChange(ChangeKind Kind, uint Value, uint Mask)
{
    public static ConnectionChange Delete { get; } = new(ChangeKind.Delete, 0, 0);

    /// <summary>new mark = (old AND NOT mask) OR (value AND mask); the kernel applies it atomically.</summary>
    public static ConnectionChange SetMark(uint value, uint mask) => new(ChangeKind.Mark, value & mask, mask);

    public static ConnectionChange SetTimeout(uint seconds, bool fixedTimeout = false) =>
        new(fixedTimeout ? ChangeKind.FixedTimeout : ChangeKind.Timeout, seconds, 0);

    public bool IsTimeout => Kind is ChangeKind.Timeout or ChangeKind.FixedTimeout;
}
