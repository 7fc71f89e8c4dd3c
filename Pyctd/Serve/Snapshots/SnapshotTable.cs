using DotNext.Buffers;
using DotNext.Runtime.InteropServices;
using Pyctd.Conntrack;

namespace Pyctd.Serve.Snapshots;

/// <summary>
/// The storage of one snapshot, in unmanaged memory the GC never scans or moves: the compact
/// entries, their order by id, and the IPv6 pool; rare entries whole in a small managed list.
/// Tables are rented from <see cref="SnapshotTablePool"/> and return there when the last reader is done.
/// </summary>
internal sealed class SnapshotTable : IDisposable
{
    private readonly IUnmanagedMemory<CompactEntry> _entries;
    private readonly IUnmanagedMemory<int> _byId;
    private readonly IUnmanagedMemory<IPv6Addresses> _ipv6;
    private readonly List<ConntrackRecord> _whole = [];

    private static int s_alive;

    /// <summary>Tables allocated and not yet disposed, in the whole process: 2 in steady state (served, being filled).</summary>
    public static int Alive => Volatile.Read(ref s_alive);

    public SnapshotTable(int capacity)
    {
        Interlocked.Increment(ref s_alive);
        capacity = Math.Max(capacity, 1024);
        _entries = UnmanagedMemory.Allocate<CompactEntry>(capacity);
        _byId = UnmanagedMemory.Allocate<int>(capacity);
        _ipv6 = UnmanagedMemory.Allocate<IPv6Addresses>(Math.Max(capacity / 16, 64));
    }

    public int Count { get; private set; }

    public int Capacity => _entries.Length;

    public int IPv6Count { get; private set; }

    public Span<CompactEntry> Entries => _entries.Span[..Count];

    /// <summary>Entry indexes in ascending id order (after <see cref="IndexById"/>).</summary>
    public Span<int> ById => _byId.Span[..Count];

    public ref CompactEntry this[int index] => ref _entries.Span[index];

    public ref readonly IPv6Addresses IPv6Of(in CompactEntry entry) => ref _ipv6.Span[(int)entry.OriginalSource];

    public ref ConntrackRecord WholeOf(in CompactEntry entry) => ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_whole)[entry.WholeIndex];

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
            _byId.Reallocate(_entries.Length);
        }

        ref CompactEntry entry = ref _entries.Span[Count++];
        entry = default;
        EntryPacking.Pack(record, ref entry);
        if (EntryPacking.NeedsWhole(record))
        {
            entry.Flags = EntryFlags.Whole;
            entry.WholeIndex = _whole.Count;
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
        if ((entry.Flags & EntryFlags.Whole) != 0)
        {
            record = _whole[entry.WholeIndex];
            record.Mark = entry.Mark; // changes through the API update the entry, whole or not
            record.Timeout = entry.Timeout;
            return;
        }

        EntryPacking.Unpack(entry, entry.Family == AddressFamilies.Inet6 ? ref IPv6Of(entry) : ref s_noIPv6, out record);
    }

    private static readonly IPv6Addresses s_noIPv6;

    /// <summary>
    /// Orders <see cref="ById"/> by id: (id &lt;&lt; 32 | index) sorted as plain numbers, in a
    /// temporary unmanaged buffer, which sorts 200,000 entries in a few milliseconds.
    /// </summary>
    public void IndexById()
    {
        using IUnmanagedMemory<ulong> keys = UnmanagedMemory.Allocate<ulong>(Math.Max(Count, 1));
        Span<ulong> span = keys.Span[..Count];
        Span<CompactEntry> entries = Entries;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = ((ulong)entries[i].Id << 32) | (uint)i;
        }

        span.Sort();
        Span<int> byId = ById;
        for (int i = 0; i < span.Length; i++)
        {
            byId[i] = (int)(uint)span[i];
        }
    }

    /// <summary>Unmanaged bytes held, for the pool's accounting and tests.</summary>
    public long Bytes => ((long)_entries.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<CompactEntry>())
        + ((long)_byId.Length * sizeof(int)) + ((long)_ipv6.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<IPv6Addresses>());

    public void Dispose()
    {
        Interlocked.Decrement(ref s_alive);
        _entries.Dispose();
        _byId.Dispose();
        _ipv6.Dispose();
    }
}
