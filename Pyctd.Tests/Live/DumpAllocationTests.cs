using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>A table dump allocates nothing per entry: the managed bytes of a whole dump stay small and fixed.</summary>
[Collection(LiveLabCollection.Name)]
public sealed class DumpAllocationTests(SharedLab shared)
{
    private const long Budget = 64 * 1024;

    private readonly LabNamespace _lab = shared.Lab;

    [Fact]
    public void Dump_TwelveThousandEntries_AllocatesUnder64KiB()
    {
        var sink = new CountingSink();
        DumpOnce(sink); // warm-up: static tables, JIT-time allocations

        sink.Count = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        DumpOnce(sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(sink.Count >= 10_000, $"only {sink.Count} entries dumped");
        Assert.True(allocated < Budget, $"a dump of {sink.Count} entries allocated {allocated} managed bytes");
    }

    [Fact]
    public void Dump_IntoRecordTable_AllocatesUnder64KiB()
    {
        using var table = new RecordTable(initialCapacity: 16);
        var sink = new TableSink(table);
        DumpOnce(sink);
        table.Clear();

        long before = GC.GetAllocatedBytesForCurrentThread();
        DumpOnce(sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(table.Count >= 10_000, $"only {table.Count} records kept");
        Assert.True(allocated < Budget, $"keeping {table.Count} records allocated {allocated} managed bytes");
    }

    private void DumpOnce(IRecordSink sink)
    {
        using var dumper = new ConntrackDumper(_lab.Name);
        dumper.Dump(KernelPlan.Everything, sink);
    }

    private sealed class CountingSink : IRecordSink
    {
        public int Count { get; set; }

        public bool Accept(in ConntrackRecord record)
        {
            Count++;
            return true;
        }
    }

    private sealed class TableSink(RecordTable table) : IRecordSink
    {
        public bool Accept(in ConntrackRecord record)
        {
            table.Add(record);
            return true;
        }
    }
}
