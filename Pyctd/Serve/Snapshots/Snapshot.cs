using System.Diagnostics;
using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Query;

namespace Pyctd.Serve.Snapshots;

/// <summary>
/// One read of the table with each entry's rate since the read before, shared by every session that
/// asks for one at most N seconds old. Its storage is pooled and unmanaged; whoever reads it holds a
/// lease (<see cref="TryAcquire"/>/<see cref="Release"/>), and the storage goes back to the pool when
/// the last lease ends: no garbage, no forced collection. Kills and changes made through the API are
/// applied to it in place, so no session sees a killed connection again.
/// </summary>
internal sealed class Snapshot : IRowSource
{
    private readonly SnapshotTable _table;
    private readonly Action<Snapshot> _onLastRelease;
    private int _leases = 1;
    private int _deleted;

    /// <summary>Takes <paramref name="table"/> (filled, not yet indexed) with one lease, its creator's.</summary>
    public Snapshot(SnapshotTable table, DateTime takenAt, long takenTimestamp, Snapshot? previous, Action<Snapshot> onLastRelease)
    {
        _table = table;
        _onLastRelease = onLastRelease;
        TakenAt = takenAt;
        TakenTimestamp = takenTimestamp;
        table.OrderById();
        foreach (ref readonly CompactEntry entry in table.Entries)
        {
            if ((entry.Fields & (ushort)RecordFields.OrigCounters) != 0)
            {
                Accounting = true;
                break;
            }
        }

        if (previous is not null && Accounting)
        {
            ComputeRates(previous);
        }
    }

    public int Count => _table.Count;

    /// <summary>Entries not killed through the API since the snapshot was taken.</summary>
    public int LiveCount => _table.Count - Volatile.Read(ref _deleted);

    public DateTime TakenAt { get; }

    /// <summary>Stopwatch timestamp of the dump's start, for ages and rates.</summary>
    public long TakenTimestamp { get; }

    /// <summary>Whether the kernel counts bytes (nf_conntrack_acct=1): rates and counters exist only then.</summary>
    public bool Accounting { get; }

    /// <summary>Recent view() selections on this snapshot.</summary>
    public SelectionCache Selections { get; } = new();

    public double AgeSeconds => Stopwatch.GetElapsedTime(TakenTimestamp).TotalSeconds;

    /// <summary>Unmanaged bytes behind this snapshot.</summary>
    public long Bytes => _table.Bytes;

    public bool TryAcquire()
    {
        int leases = Volatile.Read(ref _leases);
        while (leases > 0)
        {
            int seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases)
            {
                return true;
            }

            leases = seen;
        }

        return false;
    }

    public void Release()
    {
        int leases = Interlocked.Decrement(ref _leases);
        if (leases == 0)
        {
            _onLastRelease(this);
        }
        else if (leases < 0)
        {
            throw new InvalidOperationException("a snapshot was released more often than it was acquired");
        }
    }

    /// <summary>The storage, for the store to return to its pool after the last release.</summary>
    internal SnapshotTable Table => _table;

    public bool TryRead(int index, out ConntrackRecord record, out Rates rates)
    {
        ref readonly CompactEntry entry = ref _table[index];
        if ((entry.Flags & EntryFlags.Deleted) != 0)
        {
            record = default;
            rates = default;
            return false;
        }

        _table.Read(index, out record);
        rates = new Rates((ulong)entry.OriginalRate, (ulong)entry.ReplyRate, Accounting);
        return true;
    }

    /// <summary>The index of the live entry with this id, or -1.</summary>
    public int IndexOf(uint id)
    {
        int index = _table.IndexOf(id);
        return index >= 0 && (_table[index].Flags & EntryFlags.Deleted) == 0 ? index : -1;
    }

    /// <summary>
    /// What the kernel did to <paramref name="record"/> through the API, made visible here: a kill hides
    /// the entry, a mark or timeout change updates it. Only the entry with the same id and tuple.
    /// </summary>
    public void Apply(in ConntrackRecord record, in ConnectionChange change)
    {
        int index = IndexOf(record.Id);
        if (index < 0)
        {
            return;
        }

        ref CompactEntry entry = ref _table[index];
        CompactEntry probe = default;
        EntryPacking.Pack(record, ref probe);
        if (!EntryPacking.SameTuple(entry, probe))
        {
            return;
        }

        Selections.Clear(); // a cached page could show the killed entry, or order by the old mark
        switch (change.Kind)
        {
            case ChangeKind.Delete:
                entry.Flags |= EntryFlags.Deleted;
                Interlocked.Increment(ref _deleted);
                break;
            case ChangeKind.Mark:
                entry.Mark = (entry.Mark & ~change.Mask) | change.Value;
                break;
            case ChangeKind.Timeout:
                entry.Timeout = change.Value;
                break;
            case ChangeKind.FixedTimeout:
                entry.Timeout = change.Value;
                entry.Status |= (ushort)ConntrackStatus.FixedTimeout;
                break;
        }
    }

    /// <summary>Walks both snapshots in id order at once: linear, whatever the table size.</summary>
    private void ComputeRates(Snapshot previous)
    {
        double seconds = (double)(TakenTimestamp - previous.TakenTimestamp) / Stopwatch.Frequency;
        if (seconds <= 0)
        {
            return;
        }

        Span<CompactEntry> now = _table.Entries;
        Span<CompactEntry> then = previous._table.Entries;
        int p = 0;
        foreach (ref CompactEntry current in now)
        {
            while (p < then.Length && then[p].Id < current.Id)
            {
                p++;
            }

            if (p == then.Length)
            {
                break;
            }

            ref readonly CompactEntry earlier = ref then[p];
            if (earlier.Id != current.Id || !EntryPacking.SameTuple(earlier, current))
            {
                continue;
            }

            current.OriginalRate = PerSecond(earlier.OriginalBytes, current.OriginalBytes, seconds);
            current.ReplyRate = PerSecond(earlier.ReplyBytes, current.ReplyBytes, seconds);
        }
    }

    private static float PerSecond(ulong before, ulong after, double seconds) =>
        after >= before ? (float)Math.Round((after - before) / seconds) : 0;
}
