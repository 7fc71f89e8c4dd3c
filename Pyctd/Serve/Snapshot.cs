using Pyctd.Conntrack;

namespace Pyctd.Serve;

/// <summary>Bytes per second of one connection, measured between two snapshots.</summary>
internal readonly record struct Rates(long Original, long Reply)
{
    public long Total => Original + Reply;
}

/// <summary>
/// One read of the table, shared by every session that asks for one at most N seconds old.
/// Immutable once taken. Records live in a managed array so the GC, not a reference count,
/// decides when the last session is done with it.
/// </summary>
internal sealed class Snapshot
{
    private readonly ConntrackRecord[] _records;
    private readonly Rates[] _rates;
    private int[]? _byId;

    public Snapshot(ConntrackRecord[] records, int count, DateTime takenAt, long takenTimestamp, Snapshot? previous)
    {
        _records = records;
        Count = count;
        TakenAt = takenAt;
        TakenTimestamp = takenTimestamp;
        _rates = new Rates[count];
        for (int i = 0; i < count && !Accounting; i++)
        {
            Accounting = records[i].Has(RecordFields.OrigCounters);
        }

        if (previous is not null && Accounting)
        {
            ComputeRates(previous);
        }
    }

    public int Count { get; }

    public DateTime TakenAt { get; }

    /// <summary>Stopwatch timestamp of the dump, for ages and rates.</summary>
    public long TakenTimestamp { get; }

    /// <summary>Whether the kernel counts bytes (nf_conntrack_acct=1): rates and counters exist only then.</summary>
    public bool Accounting { get; }

    public ReadOnlySpan<ConntrackRecord> Records => _records.AsSpan(0, Count);

    public ref readonly ConntrackRecord this[int index] => ref _records[index];

    public Rates RatesOf(int index) => _rates[index];

    public double AgeSeconds => System.Diagnostics.Stopwatch.GetElapsedTime(TakenTimestamp).TotalSeconds;

    /// <summary>The index of the entry with this id, or -1.</summary>
    public int IndexOf(uint id)
    {
        int[] byId = ById();
        int low = 0, high = byId.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            uint candidate = _records[byId[middle]].Id;
            if (candidate == id)
            {
                return byId[middle];
            }

            if (candidate < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    private int[] ById()
    {
        if (_byId is int[] ready)
        {
            return ready;
        }

        var order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        ConntrackRecord[] records = _records;
        Array.Sort(order, (a, b) => records[a].Id.CompareTo(records[b].Id));
        _byId = order;
        return order;
    }

    private void ComputeRates(Snapshot previous)
    {
        double seconds = (double)(TakenTimestamp - previous.TakenTimestamp) / System.Diagnostics.Stopwatch.Frequency;
        if (seconds <= 0)
        {
            return;
        }

        for (int i = 0; i < Count; i++)
        {
            ref readonly ConntrackRecord now = ref _records[i];
            int before = previous.IndexOf(now.Id);
            if (before < 0)
            {
                continue;
            }

            ref readonly ConntrackRecord then = ref previous[before];
            // The same id with a different tuple is a new entry that reused the id: no rate yet.
            if (then.Protocol != now.Protocol || then.Original.SourcePort != now.Original.SourcePort
                || !((ReadOnlySpan<byte>)then.Original.Source).SequenceEqual(now.Original.Source))
            {
                continue;
            }

            _rates[i] = new Rates(
                PerSecond(then.OriginalCounters.Bytes, now.OriginalCounters.Bytes, seconds),
                PerSecond(then.ReplyCounters.Bytes, now.ReplyCounters.Bytes, seconds));
        }
    }

    private static long PerSecond(ulong before, ulong after, double seconds) =>
        after >= before ? (long)Math.Round((after - before) / seconds) : 0;
}
