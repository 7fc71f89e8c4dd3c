using System.Diagnostics;
using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;

namespace Pyctd.Serve.Snapshots;

/// <summary>
/// Hands out leased snapshots of the table. A background refresher keeps the current snapshot at
/// most as old as the most eager session's autorefresh asks, so a view is answered at once from the
/// current snapshot, which is older than the autorefresh by at most one dump's duration. Only
/// refresh(), and a view that finds the snapshot far older than that (the refresher was idle: no
/// session wanted one), wait for a dump. Dumps are single-flight: a hundred callers cause one,
/// and while it runs they wait asynchronously: one thread reads the table, the others go on
/// serving requests (a dump of 200,000 entries takes half a second; a hundred threads blocked
/// that long would starve Kestrel's pool).
/// </summary>
internal sealed class SnapshotStore : IDisposable
{
    /// <summary>How long a dump waits for a replaced snapshot's last readers before it takes a third table.</summary>
    private static readonly TimeSpan s_retirementPatience = TimeSpan.FromMilliseconds(250);

    private readonly string? _netns;
    private readonly Func<double?> _wantedMaxAge;
    private readonly SnapshotTablePool _pool = new();
    private readonly SemaphoreSlim _dumping = new(1, 1);
    private readonly List<Snapshot> _live = [];

    // Kills and changes made through the API while a dump is under way (both guarded by _live):
    // the dump may have read those entries before the kernel changed them, and replays these.
    private readonly List<JournalEntry> _journal = [];
    private bool _dumpUnderway;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Thread? _refresher;
    private volatile Snapshot? _current;
    private double _lastDumpSeconds;
    private long _dumps;

    /// <param name="wantedMaxAge">How old the most eager live session lets its snapshot be; null when none asks.</param>
    public SnapshotStore(string? netns, Func<double?> wantedMaxAge)
    {
        _netns = netns;
        _wantedMaxAge = wantedMaxAge;
    }

    /// <summary>Dumps taken since start: what a refresh costs, for stats() and the tests that bound it.</summary>
    public long Dumps => Interlocked.Read(ref _dumps);

    /// <summary>Seconds the last dump took (for /metrics).</summary>
    public double LastDumpSeconds => Volatile.Read(ref _lastDumpSeconds);

    /// <summary>The current snapshot, leased; null before the first dump.</summary>
    public Snapshot? AcquireCurrent()
    {
        while (_current is Snapshot current)
        {
            if (current.TryAcquire())
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>The current snapshot however old, leased; before the first dump, a fresh one.</summary>
    public ValueTask<Snapshot> AcquireLatestAsync(CancellationToken cancel) =>
        AcquireCurrent() is Snapshot current ? new(current) : AcquireRefreshedAsync(cancel);

    /// <summary>A leased snapshot for a session that accepts one <paramref name="maxAgeSeconds"/> old.</summary>
    public ValueTask<Snapshot> AcquireAsync(double maxAgeSeconds, CancellationToken cancel)
    {
        Snapshot? current = AcquireCurrent();
        if (current is not null)
        {
            // The refresher keeps up to maxAge + one dump; far beyond that it was idle, and this one waits.
            double tolerated = maxAgeSeconds + (2 * Volatile.Read(ref _lastDumpSeconds)) + 1;
            if (current.AgeSeconds <= tolerated)
            {
                Wake();
                return new(current);
            }

            current.Release();
        }

        return TakeAsync(Stopwatch.GetTimestamp(), maxAgeSeconds, cancel);
    }

    /// <summary>A leased snapshot whose dump began after this call (refresh()).</summary>
    public ValueTask<Snapshot> AcquireRefreshedAsync(CancellationToken cancel) =>
        TakeAsync(Stopwatch.GetTimestamp(), maxAgeSeconds: -1, cancel);

    /// <summary>The same, for start-up, which has no request to serve meanwhile.</summary>
    public Snapshot AcquireRefreshed() => Take(Stopwatch.GetTimestamp(), maxAgeSeconds: -1);

    /// <summary>Makes a kill or change done through the API visible in every snapshot still being read.</summary>
    public void Apply(ReadOnlySpan<ConntrackRecord> changed, in ConnectionChange change)
    {
        if (changed.IsEmpty)
        {
            return;
        }

        Snapshot[] live;
        lock (_live)
        {
            live = [.. _live];

            // A dump under way may have read these entries before the kernel changed them; it
            // replays the journal before it is published (see Dump), so no view shows them as they
            // were. A dump that starts later reads the kernel after the change: nothing to keep.
            if (_dumpUnderway)
            {
                _journal.Add(new JournalEntry(changed.ToArray(), change));
            }
        }

        foreach (Snapshot snapshot in live)
        {
            // A lease, so that a snapshot whose last reader just left is not changed while its table
            // goes back to the pool and fills with the next dump.
            if (!snapshot.TryAcquire())
            {
                continue;
            }

            try
            {
                foreach (ref readonly ConntrackRecord record in changed)
                {
                    snapshot.Apply(record, change);
                }
            }
            finally
            {
                snapshot.Release();
            }
        }
    }

    /// <summary>Starts the background refresher (after the first snapshot, which start-up takes in the foreground).</summary>
    public void StartRefreshing()
    {
        _refresher = new Thread(RefreshLoop) { IsBackground = true, Name = "pyctd snapshot refresher" };
        _refresher.Start();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // already awake
            }
        }
    }

    private void RefreshLoop()
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            double? wanted = _wantedMaxAge();
            double age = _current?.AgeSeconds ?? double.MaxValue;
            var wait = TimeSpan.FromSeconds(1);
            if (wanted is double maxAge)
            {
                if (age >= maxAge)
                {
                    try
                    {
                        Take(Stopwatch.GetTimestamp(), maxAge).Release();
                    }
                    catch (PyctdException error)
                    {
                        Console.Error.WriteLine($"pyctd: cannot refresh the snapshot: {error.Message}");
                    }

                    continue;
                }

                wait = TimeSpan.FromSeconds(Math.Min(maxAge - age, 1));
            }

            try
            {
                _wake.Wait(wait, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Snapshot Take(long requestedAt, double maxAgeSeconds)
    {
        _dumping.Wait();
        try
        {
            return TakeWhileDumping(requestedAt, maxAgeSeconds);
        }
        finally
        {
            _dumping.Release();
        }
    }

    private async ValueTask<Snapshot> TakeAsync(long requestedAt, double maxAgeSeconds, CancellationToken cancel)
    {
        // A caller that goes away while it waits leaves the queue; the dump under way goes on for the others.
        await _dumping.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            return TakeWhileDumping(requestedAt, maxAgeSeconds);
        }
        finally
        {
            _dumping.Release();
        }
    }

    /// <summary>Under <see cref="_dumping"/>: the snapshot a caller asked for, dumping only when the current one will not do.</summary>
    private Snapshot TakeWhileDumping(long requestedAt, double maxAgeSeconds)
    {
        // Someone else dumped while we waited our turn: theirs will do if it began after our
        // request, or if it is as young as we asked for. Waiters never queue up dumps.
        Snapshot? current = AcquireCurrent();
        if (current is not null && (current.TakenTimestamp >= requestedAt || current.AgeSeconds <= maxAgeSeconds))
        {
            return current;
        }

        try
        {
            Snapshot next = Dump(current);
            next.TryAcquire(); // the caller's lease; the store keeps the creator's
            Snapshot? replaced = _current;
            _current = next;
            replaced?.Release();
            return next;
        }
        finally
        {
            current?.Release();
        }
    }

    private Snapshot Dump(Snapshot? previous)
    {
        // Sized from the last dump plus a little, so the table rarely grows (growing copies it). A
        // replaced snapshot still being written to a client comes back in moments: wait for it a little.
        bool retiring;
        lock (_live)
        {
            retiring = _live.Count > 1;
        }

        SnapshotTable table = _pool.Rent(
            previous is null ? 4096 : previous.Count + (previous.Count / 32) + 1024,
            retiring ? s_retirementPatience : TimeSpan.Zero);
        lock (_live)
        {
            _dumpUnderway = true;
        }

        long started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _dumps);
        try
        {
            using var dumper = new ConntrackDumper(_netns);
            dumper.Dump(KernelPlan.Everything, new TableSink(table));
        }
        catch
        {
            lock (_live)
            {
                _dumpUnderway = false;
                _journal.Clear();
            }

            _pool.Return(table);
            throw;
        }

        var snapshot = new Snapshot(table, DateTime.UtcNow, started, previous, Retire);
        Volatile.Write(ref _lastDumpSeconds, Stopwatch.GetElapsedTime(started).TotalSeconds);
        lock (_live)
        {
            // Changes made through the API since this dump began may be missing from it: apply them
            // (each is idempotent). Dumps are one at a time, so the journal is this dump's alone.
            foreach (JournalEntry entry in _journal)
            {
                foreach (ConntrackRecord record in entry.Records)
                {
                    snapshot.Apply(record, entry.Change);
                }
            }

            _journal.Clear();
            _dumpUnderway = false;
            _live.Add(snapshot);
        }

        return snapshot;
    }

    /// <summary>The last lease of a snapshot ended: its storage serves the next one.</summary>
    private void Retire(Snapshot snapshot)
    {
        lock (_live)
        {
            _live.Remove(snapshot);
        }

        _pool.Return(snapshot.Table);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _refresher?.Join(TimeSpan.FromSeconds(5));
        _pool.Dispose();
    }

    private sealed record JournalEntry(ConntrackRecord[] Records, ConnectionChange Change);

    private sealed class TableSink(SnapshotTable table) : IRecordSink
    {
        public bool Accept(in ConntrackRecord record)
        {
            table.Add(record);
            return true;
        }
    }
}
