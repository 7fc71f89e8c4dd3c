using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>One output format of `list`: a header, one piece per entry, a footer.</summary>
internal interface IRecordWriter
{
    void Begin();

    void Write(in ConntrackRecord record);

    void End();
}

/// <summary>Hands every entry it gets straight to a writer, so unsorted output streams in constant memory.</summary>
internal sealed class WritingSink(IRecordWriter writer) : IRecordSink
{
    public bool Accept(in ConntrackRecord record)
    {
        writer.Write(record);
        return true;
    }
}
