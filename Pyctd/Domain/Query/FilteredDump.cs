using Pyctd.Conntrack;
using Pyctd.Domain.Filtering;

namespace Pyctd.Domain.Query;

/// <summary>Reads the table through a compiled filter: the kernel's part in the dump requests, the rest per entry.</summary>
internal static class FilteredDump
{
    /// <summary>Returns how many entries matched and were handed to <paramref name="sink"/>.</summary>
    public static int Run(ConntrackDumper dumper, CompiledFilter filter, IRecordSink sink)
    {
        var filtering = new FilteringSink(filter, sink);
        foreach (DumpQuery query in filter.KernelQueries)
        {
            if (!dumper.Dump(query, filtering))
            {
                break;
            }
        }

        return filtering.Matched;
    }

    private sealed class FilteringSink(CompiledFilter filter, IRecordSink inner) : IRecordSink
    {
        public int Matched { get; private set; }

        public bool Accept(in ConntrackRecord record)
        {
            if (!filter.Matches(record, Rates.None))
            {
                return true;
            }

            Matched++;
            return inner.Accept(record);
        }
    }
}

/// <summary>Skips the first <c>skip</c> entries and passes on at most <c>take</c>, then ends the dump: unsorted output streams in constant memory.</summary>
internal sealed class PagingSink(IRecordSink inner, int skip, int? take) : IRecordSink
{
    private int _skipped;
    private int _passed;

    public int Passed => _passed;

    public bool Accept(in ConntrackRecord record)
    {
        if (_skipped < skip)
        {
            _skipped++;
            return true;
        }

        if (take is int limit && _passed >= limit)
        {
            return false;
        }

        _passed++;
        return inner.Accept(record) && (take is not int max || _passed < max);
    }
}
