using System.Buffers.Binary;
using System.Net;
using System.Text;
using Pyctd.Conntrack;

namespace Pyctd.Tests.Support;

/// <summary>
/// Whole ctnetlink IPCTNL_MSG_CT_NEW messages built by hand, as the kernel would send them, for
/// what the lab's kernel cannot produce and for the parser's robustness tests to mutate.
/// </summary>
internal static class SyntheticMessages
{
    public static byte[] Build(byte family, Action<SyntheticMessageBuilder> build)
    {
        var buffer = new byte[1024];
        var writer = new NetlinkMessageWriter(buffer, Netlink.CtMessage(Netlink.IPCTNL_MSG_CT_NEW), Netlink.NLM_F_MULTI, 1, family);
        var builder = new SyntheticMessageBuilder(family);
        build(builder);
        builder.WriteTo(ref writer);
        return writer.Message.ToArray();
    }

    /// <summary>An IPv4 TCP entry with every optional attribute ctnetlink has, in the kernel's order.</summary>
    public static byte[] EveryOptionalAttribute() =>
        Build(AddressFamilies.Inet, static b => b
            .Tuple(IpProtocols.Tcp, "192.168.1.23", 40000, "93.184.216.34", 21)
            .State(Cta.PROTOINFO_TCP, 3)
            .U32(Cta.STATUS, 0xffff)
            .U32(Cta.TIMEOUT, 431999)
            .U32(Cta.MARK, 0xdeadbeef)
            .U32(Cta.SECMARK, 12)
            .U32(Cta.USE, 2)
            .U32(Cta.ID, 4_000_000_000)
            .U16(Cta.ZONE, 7)
            .Helper("ftp")
            .Counters(Cta.COUNTERS_ORIG, 10, 12345, wide: true)
            .Counters(Cta.COUNTERS_REPLY, 8, 999, wide: false)
            .Timestamps(1_700_000_000_000_000_000, 1_700_000_123_000_000_000)
            .Labels([0x01, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40]));
}

/// <summary>Attributes in the order the kernel puts them, written in one go.</summary>
internal sealed class SyntheticMessageBuilder(byte family)
{
    private readonly List<Action<NetlinkMessageWriterBox>> _steps = [];

    public SyntheticMessageBuilder Tuple(byte protocol, string source, ushort sourcePort, string destination, ushort destinationPort)
    {
        _steps.Add(w => w.Tuple(Cta.TUPLE_ORIG, protocol, source, destination, sourcePort, destinationPort, family));
        _steps.Add(w => w.Tuple(Cta.TUPLE_REPLY, protocol, destination, source, destinationPort, sourcePort, family));
        return this;
    }

    public SyntheticMessageBuilder Icmp(byte protocol, string source, string destination, byte type, byte code, ushort id)
    {
        _steps.Add(w => w.IcmpTuple(Cta.TUPLE_ORIG, protocol, source, destination, type, code, id, family));
        _steps.Add(w => w.IcmpTuple(Cta.TUPLE_REPLY, protocol, destination, source, (byte)(type + 1), code, id, family));
        return this;
    }

    public SyntheticMessageBuilder State(ushort protocolInfo, byte state)
    {
        _steps.Add(w => w.State(protocolInfo, state));
        return this;
    }

    public SyntheticMessageBuilder U32(ushort type, uint value)
    {
        _steps.Add(w => w.U32(type, value));
        return this;
    }

    public SyntheticMessageBuilder U16(ushort type, ushort value)
    {
        _steps.Add(w => w.U16(type, value));
        return this;
    }

    public SyntheticMessageBuilder Helper(string name)
    {
        _steps.Add(w => w.Helper(name));
        return this;
    }

    public SyntheticMessageBuilder Counters(ushort type, ulong packets, ulong bytes, bool wide)
    {
        _steps.Add(w => w.Counters(type, packets, bytes, wide));
        return this;
    }

    public SyntheticMessageBuilder Timestamps(ulong start, ulong stop)
    {
        _steps.Add(w => w.Timestamps(start, stop));
        return this;
    }

    public SyntheticMessageBuilder Labels(byte[] bits)
    {
        _steps.Add(w => w.Raw(Cta.LABELS, bits));
        return this;
    }

    public void WriteTo(ref NetlinkMessageWriter writer)
    {
        // NetlinkMessageWriter is a ref struct; steps run against a box that replays into it.
        var box = new NetlinkMessageWriterBox();
        foreach (var step in _steps)
        {
            step(box);
        }

        box.Replay(ref writer);
    }
}

/// <summary>Records attribute operations so lambdas (which cannot capture a ref struct) can describe them.</summary>
internal sealed class NetlinkMessageWriterBox
{
    private readonly List<(int Kind, ushort Type, byte[] Payload)> _operations = [];

    private void Begin(ushort type) => _operations.Add((0, type, []));

    private void End() => _operations.Add((1, 0, []));

    public void Raw(ushort type, byte[] payload) => _operations.Add((2, type, payload));

    public void U32(ushort type, uint value)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        Raw(type, payload);
    }

    public void U16(ushort type, ushort value)
    {
        var payload = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, value);
        Raw(type, payload);
    }

    private void U64(ushort type, ulong value)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(payload, value);
        Raw(type, payload);
    }

    public void Tuple(ushort direction, byte protocol, string source, string destination, ushort sourcePort, ushort destinationPort, byte family)
    {
        Begin(direction);
        Addresses(source, destination, family);
        Begin(Cta.TUPLE_PROTO);
        Raw(Cta.PROTO_NUM, [protocol]);
        if (protocol != 99)
        {
            U16(Cta.PROTO_SRC_PORT, sourcePort);
            U16(Cta.PROTO_DST_PORT, destinationPort);
        }

        End();
        End();
    }

    public void IcmpTuple(ushort direction, byte protocol, string source, string destination, byte type, byte code, ushort id, byte family)
    {
        Begin(direction);
        Addresses(source, destination, family);
        Begin(Cta.TUPLE_PROTO);
        Raw(Cta.PROTO_NUM, [protocol]);
        U16(Cta.PROTO_ICMPV6_ID, id);
        Raw(Cta.PROTO_ICMPV6_TYPE, [type]);
        Raw(Cta.PROTO_ICMPV6_CODE, [code]);
        End();
        End();
    }

    private void Addresses(string source, string destination, byte family)
    {
        Begin(Cta.TUPLE_IP);
        bool v6 = family == AddressFamilies.Inet6;
        Raw(v6 ? Cta.IP_V6_SRC : Cta.IP_V4_SRC, IPAddress.Parse(source).GetAddressBytes());
        Raw(v6 ? Cta.IP_V6_DST : Cta.IP_V4_DST, IPAddress.Parse(destination).GetAddressBytes());
        End();
    }

    public void State(ushort protocolInfo, byte state)
    {
        Begin(Cta.PROTOINFO);
        Begin(protocolInfo);
        Raw(Cta.PROTOINFO_STATE, [state]);
        End();
        End();
    }

    public void Helper(string name)
    {
        Begin(Cta.HELP);
        Raw(Cta.HELP_NAME, [.. Encoding.ASCII.GetBytes(name), 0]);
        End();
    }

    public void Counters(ushort type, ulong packets, ulong bytes, bool wide)
    {
        Begin(type);
        if (wide)
        {
            U64(Cta.COUNTERS_PACKETS, packets);
            U64(Cta.COUNTERS_BYTES, bytes);
        }
        else
        {
            U32(Cta.COUNTERS32_PACKETS, (uint)packets);
            U32(Cta.COUNTERS32_BYTES, (uint)bytes);
        }

        End();
    }

    public void Timestamps(ulong start, ulong stop)
    {
        Begin(Cta.TIMESTAMP);
        U64(Cta.TIMESTAMP_START, start);
        U64(Cta.TIMESTAMP_STOP, stop);
        End();
    }

    public void Replay(ref NetlinkMessageWriter writer)
    {
        var open = new Stack<int>();
        foreach (var (kind, type, payload) in _operations)
        {
            switch (kind)
            {
                case 0:
                    open.Push(writer.BeginNest(type));
                    break;
                case 1:
                    writer.EndNest(open.Pop());
                    break;
                default:
                    writer.Put(type, payload);
                    break;
            }
        }
    }
}
