using DotNext.Buffers;
using DotNext.Runtime.InteropServices;

namespace Pyctd.Conntrack;

/// <summary>
/// A growable array of <see cref="ConntrackRecord"/> in unmanaged memory (DotNext.Unsafe): a
/// 200,000-entry table is one ~40 MB block the GC never scans or moves, and adding an entry
/// allocates nothing on the managed heap.
/// </summary>
internal sealed class RecordTable : IRecordSink, IDisposable
{
    private readonly IUnmanagedMemory<ConntrackRecord> _memory;

    public RecordTable(int initialCapacity = 1024) => _memory = UnmanagedMemory.Allocate<ConntrackRecord>(Math.Max(initialCapacity, 16));

    public int Count { get; private set; }

    public int Capacity => _memory.Length;

    public Span<ConntrackRecord> Records => _memory.Span[..Count];

    public ref ConntrackRecord this[int index] => ref Records[index];

    /// <summary>A slot to parse the next entry into; it becomes part of the table only after <see cref="Commit"/>.</summary>
    public ref ConntrackRecord NextSlot()
    {
        if (Count == _memory.Length)
        {
            _memory.Reallocate(_memory.Length * 2);
        }

        return ref _memory.Span[Count];
    }

    public void Commit() => Count++;

    public void Add(in ConntrackRecord record)
    {
        NextSlot() = record;
        Commit();
    }

    /// <summary>As a sink, the table keeps every entry a dump hands it.</summary>
    public bool Accept(in ConntrackRecord record)
    {
        Add(record);
        return true;
    }

    public void Clear() => Count = 0;

    /// <summary>Drops every entry from <paramref name="count"/> on.</summary>
    public void Truncate(int count) => Count = Math.Min(Count, count);

    public void Dispose() => _memory.Dispose();
}
