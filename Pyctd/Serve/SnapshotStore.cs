using System.Diagnostics;
using Pyctd.Conntrack;
using Pyctd.Filtering;

namespace Pyctd.Serve;

/// <summary>
/// Hands out snapshots of the table. A caller that accepts one up to N seconds old gets the
/// current one when it is young enough; otherwise one caller dumps and everyone waiting gets
/// that result, so a hundred polling clients cause one dump, not a hundred.
/// </summary>
internal sealed class SnapshotStore(string? netns)
{
    private readonly Lock _refreshing = new();
    private volatile Snapshot? _current;

    public Snapshot? Current => _current;

    /// <summary>A snapshot taken at most <paramref name="maxAgeSeconds"/> ago.</summary>
    public Snapshot Get(double maxAgeSeconds)
    {
        Snapshot? current = _current;
        if (current is not null && current.AgeSeconds <= maxAgeSeconds)
        {
            return current;
        }

        return Take(requestedAt: Stopwatch.GetTimestamp(), maxAgeSeconds);
    }

    /// <summary>A snapshot taken after this call began (a refresh).</summary>
    public Snapshot Refresh() => Take(requestedAt: Stopwatch.GetTimestamp(), maxAgeSeconds: -1);

    private Snapshot Take(long requestedAt, double maxAgeSeconds)
    {
        lock (_refreshing)
        {
            // Someone else dumped while we waited for the lock: theirs will do if it began after
            // our request, or if it is as young as we asked for. Waiters never queue up dumps.
            Snapshot? current = _current;
            if (current is not null && (current.TakenTimestamp >= requestedAt || current.AgeSeconds <= maxAgeSeconds))
            {
                return current;
            }

            // Snapshots replaced earlier are tens of megabytes of large-object garbage by now (the
            // requests that used them are done): collect them before allocating the next, so the heap
            // holds the current table and the new one, not one more table per refresh. Records hold
            // no references, so this full collection has almost nothing to trace.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);

            // Sized from the last dump plus a little, so the array rarely grows (growing copies it).
            var records = new RecordArray(current is null ? 4096 : current.Count + (current.Count / 32) + 1024);
            long started = Stopwatch.GetTimestamp();
            using (var dumper = new ConntrackDumper(netns))
            {
                dumper.Dump(ConnectionFilter.All, records);
            }

            var snapshot = new Snapshot(records.Items, records.Count, DateTime.UtcNow, started, current);
            _current = snapshot;
            return snapshot;
        }
    }

    /// <summary>Collects a dump into a managed array sized from the last dump, so it rarely grows.</summary>
    private sealed class RecordArray(int capacity) : IRecordSink
    {
        // Every slot up to Count is written before it is read: no need to zero tens of megabytes first.
        public ConntrackRecord[] Items { get; private set; } = GC.AllocateUninitializedArray<ConntrackRecord>(capacity);

        public int Count { get; private set; }

        public bool Accept(in ConntrackRecord record)
        {
            if (Count == Items.Length)
            {
                var larger = GC.AllocateUninitializedArray<ConntrackRecord>(Items.Length * 2);
                Items.AsSpan().CopyTo(larger);
                Items = larger;
            }

            Items[Count++] = record;
            return true;
        }
    }
}
