namespace Pyctd.Serve.Snapshots;

/// <summary>
/// Keeps the storage of a snapshot that no one reads any more for the next one, so that steady
/// refreshing swaps two tables instead of allocating one per refresh. One spare is enough: at any
/// time there is the table being served and the one being filled.
/// </summary>
internal sealed class SnapshotTablePool : IDisposable
{
    private readonly Lock _lock = new();
    private SnapshotTable? _spare;

    /// <summary>A cleared table; the spare if there is one, grown by the dump as it needs.</summary>
    public SnapshotTable Rent(int expectedEntries)
    {
        SnapshotTable? table;
        lock (_lock)
        {
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
