using Pyctd.Conntrack;

namespace Pyctd.Sorting;

/// <summary>Orders records by one field, then by id so equal keys come out in a stable, repeatable order.</summary>
internal sealed class RecordComparer(SortField field, bool descending) : IComparer<ConntrackRecord>
{
    public int Compare(ConntrackRecord x, ConntrackRecord y)
    {
        int order = CompareField(field, x, y);
        if (order == 0)
        {
            order = x.Id.CompareTo(y.Id);
        }

        return descending ? -order : order;
    }

    public static int CompareField(SortField field, in ConntrackRecord x, in ConntrackRecord y) => field switch
    {
        SortField.Id => x.Id.CompareTo(y.Id),
        SortField.Family => x.Family.CompareTo(y.Family),
        SortField.Proto => x.Protocol.CompareTo(y.Protocol),
        SortField.OrigSrc => CompareAddress(x, x.Original.Source, y, y.Original.Source),
        SortField.OrigDst => CompareAddress(x, x.Original.Destination, y, y.Original.Destination),
        SortField.OrigPortSrc => x.Original.SourcePort.CompareTo(y.Original.SourcePort),
        SortField.OrigPortDst => x.Original.DestinationPort.CompareTo(y.Original.DestinationPort),
        SortField.ReplSrc => CompareAddress(x, x.Reply.Source, y, y.Reply.Source),
        SortField.ReplDst => CompareAddress(x, x.Reply.Destination, y, y.Reply.Destination),
        SortField.ReplPortSrc => x.Reply.SourcePort.CompareTo(y.Reply.SourcePort),
        SortField.ReplPortDst => x.Reply.DestinationPort.CompareTo(y.Reply.DestinationPort),
        SortField.IcmpType => x.Original.IcmpType.CompareTo(y.Original.IcmpType),
        SortField.IcmpCode => x.Original.IcmpCode.CompareTo(y.Original.IcmpCode),
        SortField.IcmpId => x.Original.IcmpId.CompareTo(y.Original.IcmpId),
        SortField.State => ConntrackNames.StateUtf8(x).SequenceCompareTo(ConntrackNames.StateUtf8(y)),
        SortField.Status => x.Status.CompareTo(y.Status),
        SortField.Mark => x.Mark.CompareTo(y.Mark),
        SortField.Secmark => x.Secmark.CompareTo(y.Secmark),
        SortField.Zone => x.Zone.CompareTo(y.Zone),
        SortField.Timeout => x.Timeout.CompareTo(y.Timeout),
        SortField.Use => x.Use.CompareTo(y.Use),
        SortField.OrigPackets => x.OriginalCounters.Packets.CompareTo(y.OriginalCounters.Packets),
        SortField.OrigBytes => x.OriginalCounters.Bytes.CompareTo(y.OriginalCounters.Bytes),
        SortField.ReplPackets => x.ReplyCounters.Packets.CompareTo(y.ReplyCounters.Packets),
        SortField.ReplBytes => x.ReplyCounters.Bytes.CompareTo(y.ReplyCounters.Bytes),
        SortField.Packets => x.TotalPackets.CompareTo(y.TotalPackets),
        SortField.Bytes => x.TotalBytes.CompareTo(y.TotalBytes),
        SortField.Start => x.StartNanoseconds.CompareTo(y.StartNanoseconds),
        _ => 0,
    };

    /// <summary>IPv4 before IPv6, then numerically (network order compares bytewise).</summary>
    private static int CompareAddress(in ConntrackRecord x, in AddressBytes a, in ConntrackRecord y, in AddressBytes b)
    {
        int family = x.Family.CompareTo(y.Family);
        return family != 0 ? family : ((ReadOnlySpan<byte>)a).SequenceCompareTo(b);
    }
}
