using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;
using Pyctd.Domain.Query;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// `top`'s grouping holds groups, not connections: a dump of the 12,000-entry lab streamed into a
/// <see cref="GroupAccumulator"/> allocates no more than a dump alone does, once its groups exist.
/// </summary>
[Collection(AllocationLabCollection.Name)]
public sealed class GroupAllocationTests(SharedLab shared)
{
    private const long Budget = 16 * 1024;

    [Theory]
    [InlineData("proto")]
    [InlineData("src/24")]
    public void GroupingADump_AllocatesNothingPerEntry(string key)
    {
        var groups = new GroupAccumulator(GroupKey.Parse(key));
        CompiledFilter everything = new FilterSpec().Compile(ratesAvailable: false);
        long least = long.MaxValue;
        for (int run = 0; run < 4; run++)
        {
            groups.Clear();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            using (var dumper = new ConntrackDumper(shared.Lab.Name))
            {
                FilteredDump.Run(dumper, everything, groups);
            }

            // The first run grows the groups' storage: what is measured is the steady state.
            if (run > 0)
            {
                least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
            }
        }

        ulong connections = 0;
        foreach (GroupTotals totals in groups.Totals)
        {
            connections += totals.Connections;
        }

        Assert.True(connections >= 10_000, $"only {connections} connections grouped");
        Assert.True(least < Budget, $"grouping {connections} connections by {key} allocated {least} managed bytes");
    }
}
