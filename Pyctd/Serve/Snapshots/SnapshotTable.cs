using DotNext.Buffers;
using DotNext.Runtime.InteropServices;
using Pyctd.Conntrack;

namespace Pyctd.Serve.Snapshots;

/// <summary>
/// The storage of one snapshot, in unmanaged memory the GC never scans or moves: the compact
/// entries, in ascending id order once <see cref="OrderById"/> has run, and the IPv6 pool; rare
/// entries whole in a small managed list. Tables are rented from <see cref="SnapshotTablePool"/> and
/// return there when the last reader is done.
/// </summary>
internal sealed class SnapshotTable : IDisposable
{
    private static int s_alive;

    private readonly List<ConntrackRecord> _whole = [];
    private readonly IUnmanagedMemory<CompactEntry> _entries;
    private readonly IUnmanagedMemory<IPv6Addresses> _ipv6;

    public SnapshotTable(int capacity)
    {
        Interlocked.Increment(ref s_alive);
        _entries = UnmanagedMemory.Allocate<CompactEntry>(Math.Max(capacity, 1024));
        _ipv6 = UnmanagedMemory.Allocate<IPv6Addresses>(Math.Max(capacity / 16, 64));
    }

    /// <summary>Tables allocated and not yet disposed, in the whole process: 2 in steady state (served, being filled).</summary>
    public static int Alive => Volatile.Read(ref s_alive);

    public int Count { get; private set; }

    public Span<CompactEntry> Entries => _entries.Span[..Count];

    public ref CompactEntry this[int index] => ref _entries.Span[index];

    /// <summary>Unmanaged bytes held.</summary>
    public long Bytes => ((long)_entries.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<CompactEntry>())
        + ((long)_ipv6.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<IPv6Addresses>());

    private int IPv6Count { get; set; }

    public void Clear()
    {
        Count = 0;
        IPv6Count = 0;
        _whole.Clear();
    }

    public void Add(in ConntrackRecord record)
    {
        if (Count == _entries.Length)
        {
            _entries.Reallocate(_entries.Length * 2);
        }

        ref CompactEntry entry = ref _entries.Span[Count++];
        entry = default;
        EntryPacking.Pack(record, ref entry);
        if (EntryPacking.NeedsWhole(record))
        {
            entry.Flags = EntryFlags.Whole;
            entry.OriginalSource = (uint)_whole.Count;
            _whole.Add(record);
        }
        else if (record.Family == AddressFamilies.Inet6)
        {
            if (IPv6Count == _ipv6.Length)
            {
                _ipv6.Reallocate(_ipv6.Length * 2);
            }

            _ipv6.Span[IPv6Count] = EntryPacking.IPv6Of(record);
            entry.OriginalSource = (uint)IPv6Count++;
        }
    }

    public void Read(int index, out ConntrackRecord record)
    {
        ref readonly CompactEntry entry = ref _entries.Span[index];
        if (entry.IsWhole)
        {
            record = _whole[(int)entry.OriginalSource];
            record.Mark = entry.Mark; // changes through the API update the entry, whole or not
            record.Timeout = entry.Timeout;

            // A fixed timeout also sets IPS_FIXED_TIMEOUT in the entry's 16 status bits; any higher ones are the record's.
            record.Status = (record.Status & ~(uint)ushort.MaxValue) | entry.Status;
            return;
        }

        EntryPacking.Unpack(entry, entry.Family == AddressFamilies.Inet6 ? ref _ipv6.Span[(int)entry.OriginalSource] : ref s_noIPv6, out record);
    }

    private static IPv6Addresses s_noIPv6;

    /// <summary>The index of the entry with this id (after <see cref="OrderById"/>), or -1.</summary>
    public int IndexOf(uint id)
    {
        Span<CompactEntry> entries = Entries;
        int low = 0;
        int high = entries.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            uint candidate = entries[middle].Id;
            if (candidate == id)
            {
                return middle;
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

    /// <summary>
    /// Puts the entries in ascending id order, in place: (id &lt;&lt; 32 | index) sorted as plain
    /// numbers in a temporary buffer, then every cycle of that permutation walked once. Lookups by id
    /// are then a binary search, rates a merge of two sorted tables, and no index array is kept.
    /// </summary>
    public void OrderById()
    {
        const ulong placed = 1UL << 31; // indexes are below 2^31; this bit marks a slot as filled
        const ulong indexMask = placed - 1;
        using IUnmanagedMemory<ulong> buffer = UnmanagedMemory.Allocate<ulong>(Math.Max(Count, 1));
        Span<ulong> order = buffer.Span[..Count];
        Span<CompactEntry> entries = Entries;
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = ((ulong)entries[i].Id << 32) | (uint)i;
        }

        order.Sort();
        for (int start = 0; start < order.Length; start++)
        {
            if ((order[start] & placed) != 0)
            {
                continue;
            }

            CompactEntry first = entries[start];
            int target = start;
            while (true)
            {
                int source = (int)(order[target] & indexMask);
                order[target] |= placed;
                if (source == start)
                {
                    entries[target] = first;
                    break;
                }

                entries[target] = entries[source];
                target = source;
            }
        }
    }

    public void Dispose()
    {
        Interlocked.Decrement(ref s_alive);
        _entries.Dispose();
        _ipv6.Dispose();
    }
}
