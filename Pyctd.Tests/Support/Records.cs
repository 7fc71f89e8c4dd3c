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
        var src = IPAddress.Parse(source);
        var dst = IPAddress.Parse(destination);
        var record = new ConntrackRecord
        {
            Family = src.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AddressFamilies.Inet6 : AddressFamilies.Inet,
            Protocol = protocol,
            Id = 1,
            Status = status,
            Timeout = 100,
            Use = 1,
            Fields = RecordFields.Id | RecordFields.Status | RecordFields.Timeout | RecordFields.Use | RecordFields.Mark
                | (IpProtocols.HasPorts(protocol) ? RecordFields.Ports : RecordFields.None),
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

    /// <summary>
    /// A record with every optional part present and every value at its longest when written: the
    /// longest IPv6 text (39 characters), all status flags, all 128 labels, a helper whose every byte needs escaping.
    /// </summary>
    public static ConntrackRecord Maximal()
    {
        var record = Tcp("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", ushort.MaxValue, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ushort.MaxValue, state: 9, status: uint.MaxValue);
        record.Fields = (RecordFields)((1u << 20) - 1);
        record.Id = record.Mark = record.Secmark = record.Timeout = record.Use = uint.MaxValue;
        record.Zone = record.Original.Zone = record.Reply.Zone = ushort.MaxValue;
        record.OriginalCounters = record.ReplyCounters = new Counters { Packets = ulong.MaxValue, Bytes = ulong.MaxValue };
        record.StartNanoseconds = record.StopNanoseconds = ulong.MaxValue;
        ((Span<byte>)record.Labels).Fill(0xff);
        ((Span<byte>)record.Helper)[..15].Fill(0x01);
        return record;
    }
}
