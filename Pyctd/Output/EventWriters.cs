using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>One output format of `pyctd events`: a header, one piece per event, a footer.</summary>
internal interface IEventWriter
{
    void Begin();

    void Write(in ConntrackEvent conntrackEvent, in ConntrackRecord record);

    void End();
}

/// <summary>
/// `-o conntrack`: the lines of `conntrack -E`, with `timestamp` those of `conntrack -E -o timestamp`;
/// <paramref name="owners"/> names the programs whose requests caused events.
/// </summary>
internal sealed class ConntrackEventWriter(OutputBuffer output, bool timePrefix, NetlinkPortOwners owners) : IEventWriter
{
    public void Begin()
    {
    }

    public void Write(in ConntrackEvent conntrackEvent, in ConntrackRecord record) =>
        ConntrackLineFormatter.WriteEvent(output, conntrackEvent, record, timePrefix, Interop.WallClock.UnixSeconds(),
            conntrackEvent.PortId == 0 ? null : owners.NameOf(conntrackEvent.PortId));

    public void End()
    {
    }
}

/// <summary>`-o json` and `-o jsonl`: list's objects with "event" and "time" (<see cref="EventFields"/>).</summary>
internal sealed class JsonEventWriter(OutputBuffer output, bool lines) : IEventWriter
{
    private readonly JsonWriter _json = new(output, lines);

    public void Begin() => _json.Begin();

    public void Write(in ConntrackEvent conntrackEvent, in ConntrackRecord record) => _json.Write(conntrackEvent, record);

    public void End() => _json.End();
}

/// <summary>`-o table`: list's table with the event type in front.</summary>
internal sealed class TableEventWriter(OutputBuffer output) : IEventWriter
{
    private const int EventWidth = 8; // "DESTROY "
    private readonly TableWriter _table = new(output, header: true);

    public void Begin()
    {
        output.WritePadded("EVENT"u8, EventWidth);
        _table.Begin();
    }

    public void Write(in ConntrackEvent conntrackEvent, in ConntrackRecord record)
    {
        output.WritePadded(EventFields.Name(conntrackEvent.Type), EventWidth);
        _table.Write(record);
    }

    public void End() => _table.End();
}
