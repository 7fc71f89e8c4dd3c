namespace Pyctd.Serve;

/// <summary>
/// The settings as they are now: those a reload (SIGHUP) may change are read from here at each
/// use (read-only, autorefresh, session-timeout); the rest keep their start-up values.
/// </summary>
internal sealed class LiveSettings(ServeSettings initial)
{
    private ServeSettings _current = initial;

    public ServeSettings Current => Volatile.Read(ref _current);

    public void Replace(ServeSettings next) => Volatile.Write(ref _current, next);
}
