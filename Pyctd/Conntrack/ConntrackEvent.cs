using System.Runtime.InteropServices;

namespace Pyctd.Conntrack;

/// <summary>What happened to a connection; the values are the ctnetlink multicast groups (NFNLGRP_CONNTRACK_*).</summary>
internal enum ConntrackEventType : byte
{
    New = 1,
    Update = 2,
    Destroy = 3,
}

/// <summary>The event types a listener subscribes to (conntrack -E's --event-mask).</summary>
[Flags]
internal enum ConntrackEventTypes : byte
{
    None = 0,
    New = 1 << 0,
    Update = 1 << 1,
    Destroy = 1 << 2,
    All = New | Update | Destroy,
}

/// <summary>One event as it arrived: its type, who caused it, and when pyctd received it.</summary>
internal readonly record struct ConntrackEvent(ConntrackEventType Type, uint PortId, long UnixNanoseconds)
{
    private const ushort NLM_F_CREATE = 0x400;

    /// <summary>
    /// The event type of a ctnetlink message, as conntrack(8) tells them apart: IPCTNL_MSG_CT_NEW
    /// with NLM_F_CREATE is NEW, without it UPDATE; IPCTNL_MSG_CT_DELETE is DESTROY. False for anything else.
    /// </summary>
    public static bool TryClassify(in NetlinkMessage message, out ConntrackEventType type)
    {
        type = default;
        if (message.Type >> 8 != Netlink.NFNL_SUBSYS_CTNETLINK || message.Payload.Length < Netlink.NfgenHeaderLength)
        {
            return false;
        }

        switch ((ushort)(message.Type & 0xff))
        {
            case Netlink.IPCTNL_MSG_CT_NEW:
                type = (message.Flags & NLM_F_CREATE) != 0 ? ConntrackEventType.New : ConntrackEventType.Update;
                return true;
            case Netlink.IPCTNL_MSG_CT_DELETE:
                type = ConntrackEventType.Destroy;
                return true;
            default:
                return false;
        }
    }

    /// <summary>nlmsg_pid: the netlink port of the program whose request caused the event, 0 for the kernel's own.</summary>
    public static uint PortIdOf(in NetlinkMessage message) => MemoryMarshal.Read<uint>(message.Bytes[12..]);

    public static ConntrackEventTypes MaskOf(ConntrackEventType type) => (ConntrackEventTypes)(1 << ((int)type - 1));
}
