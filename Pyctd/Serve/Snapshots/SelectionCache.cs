namespace Pyctd.Serve.Snapshots;

/// <summary>
/// The top of recent view() selections on one snapshot: dashboards poll the same view, and every
/// one of them asking for "top 50 by rate" of the same snapshot needs only one pass over the table.
/// A snapshot never changes but through kills and changes made through the API, which clear it.
/// Holds at most <see cref="Capacity"/> selections of at most a few thousand indexes each.
/// </summary>
internal sealed class SelectionCache
{
    public const int Capacity = 8;

    private readonly Lock _lock = new();
    private readonly List<Selection> _selections = new(Capacity);

    /// <summary>A cached ordered prefix of at least <paramref name="wanted"/> rows (or every match) for this query.</summary>
    public bool TryGet(string key, int wanted, out int[] ordered, out int total)
    {
        lock (_lock)
        {
            for (int i = 0; i < _selections.Count; i++)
            {
                Selection selection = _selections[i];
                if (selection.Key == key && (selection.Ordered.Length >= wanted || selection.Ordered.Length == selection.Total))
                {
                    // Most recently used last, so the oldest is the one to go.
                    _selections.RemoveAt(i);
                    _selections.Add(selection);
                    (ordered, total) = (selection.Ordered, selection.Total);
                    return true;
                }
            }
        }

        (ordered, total) = ([], 0);
        return false;
    }

    public void Add(string key, int[] ordered, int total)
    {
        lock (_lock)
        {
            _selections.RemoveAll(s => s.Key == key);
            if (_selections.Count == Capacity)
            {
                _selections.RemoveAt(0);
            }

            _selections.Add(new Selection(key, ordered, total));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _selections.Clear();
        }
    }

    private sealed record Selection(string Key, int[] Ordered, int Total);
}
