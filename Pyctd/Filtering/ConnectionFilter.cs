using Pyctd.Conntrack;

namespace Pyctd.Filtering;

/// <summary>
/// The selection of `list` (and of kill/mark/timeout): every given criterion must hold. Built once
/// from the command line; <see cref="Matches"/> runs per entry and allocates nothing.
/// </summary>
internal sealed class ConnectionFilter
{
    /// <summary>0 means both families.</summary>
    public byte Family { get; init; }

    public byte? Protocol { get; init; }

    public AddressPrefix? Source { get; init; }

    public AddressPrefix? Destination { get; init; }

    public AddressPrefix? ReplySource { get; init; }

    public AddressPrefix? ReplyDestination { get; init; }

    public ushort? SourcePort { get; init; }

    public ushort? DestinationPort { get; init; }

    public uint? Mark { get; init; }

    public uint MarkMask { get; init; } = uint.MaxValue;

    /// <summary>The protocol state name, upper case (ESTABLISHED, COOKIE_WAIT, ...).</summary>
    public string? State { get; init; }

    /// <summary>Status bits that must all be set.</summary>
    public uint Status { get; init; }

    public ushort? Zone { get; init; }

    public uint? Id { get; init; }

    public static ConnectionFilter All { get; } = new();

    public bool IsEmpty =>
        Family == 0 && Protocol is null && Source is null && Destination is null && ReplySource is null
        && ReplyDestination is null && SourcePort is null && DestinationPort is null && Mark is null
        && State is null && Status == 0 && Zone is null && Id is null;

    public bool Matches(in ConntrackRecord record)
    {
        if (Family != 0 && record.Family != Family)
        {
            return false;
        }

        if (Id is uint id && (!record.Has(RecordFields.Id) || record.Id != id))
        {
            return false;
        }

        if (Protocol is byte protocol && record.Protocol != protocol)
        {
            return false;
        }

        if ((SourcePort is not null || DestinationPort is not null) && !IpProtocols.HasPorts(record.Protocol))
        {
            return false;
        }

        if (SourcePort is ushort sport && record.Original.SourcePort != sport)
        {
            return false;
        }

        if (DestinationPort is ushort dport && record.Original.DestinationPort != dport)
        {
            return false;
        }

        if (Source is AddressPrefix src && !src.Matches(record.Family, record.Original.Source))
        {
            return false;
        }

        if (Destination is AddressPrefix dst && !dst.Matches(record.Family, record.Original.Destination))
        {
            return false;
        }

        if (ReplySource is AddressPrefix rsrc && !rsrc.Matches(record.Family, record.Reply.Source))
        {
            return false;
        }

        if (ReplyDestination is AddressPrefix rdst && !rdst.Matches(record.Family, record.Reply.Destination))
        {
            return false;
        }

        // An entry without a mark attribute (kernel without CONFIG_NF_CONNTRACK_MARK) has mark 0.
        if (Mark is uint mark && (record.Mark & MarkMask) != mark)
        {
            return false;
        }

        if (Status != 0 && (record.Status & Status) != Status)
        {
            return false;
        }

        // The kernel sends no zone attribute for zone 0.
        if (Zone is ushort zone && record.Zone != zone)
        {
            return false;
        }

        return State is null || StateMatches(record);
    }

    private bool StateMatches(in ConntrackRecord record)
    {
        ReadOnlySpan<byte> name = ConntrackNames.StateUtf8(record);
        if (name.IsEmpty || name.Length != State!.Length)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] != State[i])
            {
                return false;
            }
        }

        return true;
    }
}
