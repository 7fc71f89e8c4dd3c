namespace Pyctd.Serve.Snapshots;

/// <summary>
/// Keeps the storage of a snapshot that no one reads any more for the next one, so that steady
/// refreshing swaps two tables instead of allocating one per refresh. One spare is enough: at any
/// time there is the table being served and the one being filled.
/// </summary>
internal sealed class SnapshotTablePool : IDisposable
{
    private readonly object _lock = new();
    private SnapshotTable? _spare;

    /// <summary>
    /// A cleared table; the spare if there is one, grown by the dump as it needs. When a table is
    /// about to come back (its last readers are finishing their answers), waits up to
    /// <paramref name="patience"/> for it rather than holding a third table.
    /// </summary>
    public SnapshotTable Rent(int expectedEntries, TimeSpan patience = default)
    {
        SnapshotTable? table;
        lock (_lock)
        {
            if (_spare is null && patience > TimeSpan.Zero)
            {
                Monitor.Wait(_lock, patience);
            }

            table = _spare;
            _spare = null;
        }

        if (table is null)
        {
            return new SnapshotTable(expectedEntries);
        }

        table.Clear();
        return table;
    }

    public void Return(SnapshotTable table)
    {
        SnapshotTable? extra = table;
        lock (_lock)
        {
            if (_spare is null)
            {
                _spare = table;
                extra = null;
                Monitor.PulseAll(_lock);
            }
        }

        extra?.Dispose();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _spare?.Dispose();
            _spare = null;
        }
    }
}
