using System.Net;
using Pyctd.Conntrack;

namespace Pyctd.Tests.Support;

/// <summary>Builds records for unit tests of pure logic (filters, sorting, formatting).</summary>
internal static class Records
{
    public static ConntrackRecord Tcp(string source, ushort sourcePort, string destination, ushort destinationPort, byte state = 3, uint status = 0xe)
    {
        var record = Flow(IpProtocols.Tcp, source, sourcePort, destination, destinationPort, status);
        record.ProtocolState = state;
        record.Fields |= RecordFields.TcpState;
        return record;
    }

    public static ConntrackRecord Flow(byte protocol, string source, ushort sourcePort, string destination, ushort destinationPort, uint status = 0x8)
    {
        IPAddress src = IPAddress.Parse(source);
        IPAddress dst = IPAddress.Parse(destination);
        var record = new ConntrackRecord
        {
            Family = src.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AddressFamilies.Inet6 : AddressFamilies.Inet,
            Protocol = protocol,
            Id = 1,
            Status = status,
            Timeout = 100,
            Use = 1,
            Fields = RecordFields.Id | RecordFields.Status | RecordFields.Timeout | RecordFields.Use | RecordFields.Mark,
        };
        record.Original.Protocol = record.Reply.Protocol = protocol;
        src.TryWriteBytes(record.Original.Source, out _);
        dst.TryWriteBytes(record.Original.Destination, out _);
        dst.TryWriteBytes(record.Reply.Source, out _);
        src.TryWriteBytes(record.Reply.Destination, out _);
        record.Original.SourcePort = record.Reply.DestinationPort = sourcePort;
        record.Original.DestinationPort = record.Reply.SourcePort = destinationPort;
        return record;
    }
}
