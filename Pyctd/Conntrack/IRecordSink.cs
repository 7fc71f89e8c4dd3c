namespace Pyctd.Conntrack;

/// <summary>Receives each entry of a dump that passed the filter, while the dump runs.</summary>
internal interface IRecordSink
{
    /// <summary>Returns false to end the dump early (the rest of the table is not read).</summary>
    bool Accept(in ConntrackRecord record);
}
