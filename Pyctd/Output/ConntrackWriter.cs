using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>`-o conntrack`: the lines of `conntrack -L`.</summary>
internal sealed class ConntrackWriter(OutputBuffer output) : IRecordWriter
{
    public void Begin()
    {
    }

    public void Write(in ConntrackRecord record) =>
        ConntrackLineFormatter.Write(output, record, Interop.WallClock.UnixSeconds());

    public void End()
    {
    }
}
