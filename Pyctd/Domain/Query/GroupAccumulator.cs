using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;

namespace Pyctd.Domain.Query;

/// <summary>
/// Adds connections into their groups as a dump or a snapshot is walked, keeping nothing of the
/// connections themselves: memory grows with the number of groups only, and stops at
/// <see cref="MaxGroups"/>. A connection that would open one group more is refused
/// (<see cref="Add"/> returns false, <see cref="Overflowed"/> turns true): a ranking with groups
/// left out could be wrong, so callers stop and say so rather than show it.
/// </summary>
internal sealed class GroupAccumulator : IRecordSink
{
    /// <summary>The default cap: 100,000 groups cost about 10 MB.</summary>
    public const int DefaultMaxGroups = 100_000;

    private readonly Dictionary<GroupValue, int> _indexes = [];
    private GroupValue[] _keys = new GroupValue[64];
    private GroupTotals[] _totals = new GroupTotals[64];

    public GroupAccumulator(GroupKey key, int maxGroups = DefaultMaxGroups)
    {
        Key = key;
        MaxGroups = maxGroups;
    }

    public GroupKey Key { get; }

    public int MaxGroups { get; }

    public int Count { get; private set; }

    /// <summary>A connection of a group beyond <see cref="MaxGroups"/> came: the totals are incomplete.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Whether any connection added carried counters (nf_conntrack_acct=1).</summary>
    public bool Counted { get; private set; }

    public ReadOnlySpan<GroupValue> Keys => _keys.AsSpan(0, Count);

    public ReadOnlySpan<GroupTotals> Totals => _totals.AsSpan(0, Count);

    public ref GroupTotals this[int index] => ref _totals[index];

    /// <summary>A dump's entries, which have no rates (IRecordSink: false ends the dump once the cap is hit).</summary>
    public bool Accept(in ConntrackRecord record) => Add(record, Rates.None);

    /// <summary>Adds one connection to its group; false, and nothing added, when that group would be one too many.</summary>
    public bool Add(in ConntrackRecord record, in Rates rates)
    {
        GroupValue value = Key.ValueOf(record);
        if (!_indexes.TryGetValue(value, out int index))
        {
            if (Count == MaxGroups)
            {
                Overflowed = true;
                return false;
            }

            index = Count++;
            if (index == _keys.Length)
            {
                Array.Resize(ref _keys, _keys.Length * 2);
                Array.Resize(ref _totals, _totals.Length * 2);
            }

            _keys[index] = value;
            _totals[index] = default;
            _indexes.Add(value, index);
        }

        ref GroupTotals totals = ref _totals[index];
        totals.Connections++;
        if (record.Has(RecordFields.OrigCounters))
        {
            Counted = true;
            totals.Packets += record.TotalPackets;
            totals.OriginalBytes += record.OriginalCounters.Bytes;
            totals.ReplyBytes += record.ReplyCounters.Bytes;
        }

        if (rates.Measured)
        {
            totals.OriginalRate += rates.Original;
            totals.ReplyRate += rates.Reply;
        }

        return true;
    }

    /// <summary>Adds the rows of <paramref name="source"/> that pass <paramref name="filter"/>, with their rates; false once the cap is hit.</summary>
    public bool AddRows(IRowSource source, CompiledFilter filter, CancellationToken cancellation = default)
    {
        for (int i = 0; i < source.Count; i++)
        {
            if ((i & 4095) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            if (source.TryRead(i, out ConntrackRecord record, out Rates rates) && filter.Matches(record, rates) && !Add(record, rates))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The index of the group with this key, or -1.</summary>
    public int IndexOf(in GroupValue value) => _indexes.TryGetValue(value, out int index) ? index : -1;

    /// <summary>
    /// Rates from two reads of the table: each group's bytes now less its bytes in
    /// <paramref name="earlier"/>, over <paramref name="seconds"/>. A group's connections that
    /// closed between the reads take their bytes with them, so the difference can come out below
    /// zero: it counts as 0.
    /// </summary>
    public void RatesSince(GroupAccumulator earlier, double seconds)
    {
        for (int i = 0; i < Count; i++)
        {
            ref GroupTotals now = ref _totals[i];
            int before = earlier.IndexOf(_keys[i]);
            ulong originalBefore = before < 0 ? 0 : earlier._totals[before].OriginalBytes;
            ulong replyBefore = before < 0 ? 0 : earlier._totals[before].ReplyBytes;
            now.OriginalRate = PerSecond(originalBefore, now.OriginalBytes, seconds);
            now.ReplyRate = PerSecond(replyBefore, now.ReplyBytes, seconds);
        }
    }

    /// <summary>Empties the groups for the next read, keeping the storage.</summary>
    public void Clear()
    {
        _indexes.Clear();
        Count = 0;
        Overflowed = false;
        Counted = false;
    }

    private static ulong PerSecond(ulong before, ulong after, double seconds) =>
        after > before && seconds > 0 ? (ulong)Math.Round((after - before) / seconds) : 0;
}
