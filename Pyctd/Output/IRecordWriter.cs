using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>One output format of `list`: a header, one piece per entry, a footer.</summary>
internal interface IRecordWriter
{
    void Begin();

    void Write(in ConntrackRecord record);

    void End();
}

/// <summary>Hands every entry of a dump straight to a writer, so unsorted output streams in constant memory.</summary>
internal sealed class StreamingSink(IRecordWriter writer, int skip, int? take) : IRecordSink
{
    private int _skipped;
    private int _written;

    public bool Accept(in ConntrackRecord record)
    {
        if (_skipped < skip)
        {
            _skipped++;
            return true;
        }

        if (take is int limit && _written >= limit)
        {
            return false;
        }

        writer.Write(record);
        _written++;
        return take is not int max || _written < max;
    }
}
