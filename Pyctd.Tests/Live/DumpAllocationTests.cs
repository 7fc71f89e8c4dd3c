using Pyctd.Cli;
using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// A table dump allocates nothing per entry: the managed bytes of a whole dump, formatted or kept,
/// stay small and fixed. The dump's work is split between the caller and the receive thread, so
/// the count is of every thread in the process (<see cref="GC.GetTotalAllocatedBytes(bool)"/>);
/// that is why this collection runs alone, after the parallel ones.
/// </summary>
[Collection(AllocationLabCollection.Name)]
public sealed class DumpAllocationTests(SharedLab shared)
{
    /// <summary>
    /// A fixed cost per dump: the receive thread, its semaphores, the namespace's file (under 1 KiB
    /// measured). One 24-byte object per entry of the lab's 12,000 (288,000 bytes) breaks it many
    /// times over; so does anything sizeable per 32 KiB batch.
    /// </summary>
    private const long Budget = 16 * 1024;

    /// <summary>The least of a few runs, so that a stray allocation elsewhere in the test host cannot fail it; per-entry costs show in every run.</summary>
    private const int Runs = 3;

    private readonly LabNamespace _lab = shared.Lab;

    [Fact]
    public void Dump_TwelveThousandEntries_AllocatesUnder16KiB()
    {
        var sink = new CountingSink();
        long allocated = LeastAllocated(() =>
        {
            sink.Count = 0;
            DumpOnce(sink);
        });

        Assert.True(sink.Count >= 10_000, $"only {sink.Count} entries dumped");
        Assert.True(allocated < Budget, $"a dump of {sink.Count} entries allocated {allocated} managed bytes");
    }

    [Fact]
    public void Dump_IntoRecordTable_AllocatesUnder16KiB()
    {
        using var table = new RecordTable(initialCapacity: 16);
        DumpOnce(table); // grows the table to its final size, which is not what is measured
        long allocated = LeastAllocated(() =>
        {
            table.Clear();
            DumpOnce(table);
        });

        Assert.True(table.Count >= 10_000, $"only {table.Count} records kept");
        Assert.True(allocated < Budget, $"keeping {table.Count} records allocated {allocated} managed bytes");
    }

    /// <summary>`pyctd list -o FORMAT` as the command runs it (dump, receive thread, writer, output buffer), to a null stream.</summary>
    [Theory]
    [InlineData("table")]
    [InlineData("conntrack")]
    [InlineData("json")]
    [InlineData("jsonl")]
    public void List_EveryEntryFormatted_AllocatesUnder16KiB(string format)
    {
        var request = new ListCommand.ListRequest(new FilterSpec(), Enum.Parse<OutputFormat>(format, ignoreCase: true), Sort: null, Reverse: false, Offset: 0, Limit: null, CountOnly: false, Header: true);
        int written = 0;
        long allocated = LeastAllocated(() => written = ListCommand.Execute(request, _lab.Name, Stream.Null, out _));

        Assert.True(written >= 10_000, $"only {written} entries written");
        Assert.True(allocated < Budget, $"-o {format} of {written} entries allocated {allocated} managed bytes");
    }

    /// <summary>Runs <paramref name="dump"/> once to warm up (static tables, JIT), then returns the fewest bytes any of <see cref="Runs"/> runs allocated, on all threads.</summary>
    private static long LeastAllocated(Action dump)
    {
        dump();
        long least = long.MaxValue;
        for (int run = 0; run < Runs; run++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            dump();
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        return least;
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
}

/// <summary>
/// A lab of its own for the allocation tests, whose collection runs with nothing else in parallel:
/// they count the bytes every thread of the test host allocates.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationLabCollection : ICollectionFixture<SharedLab>
{
    public const string Name = "allocation lab";
}
