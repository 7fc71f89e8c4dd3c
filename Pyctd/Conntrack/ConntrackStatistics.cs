using System.Buffers.Binary;
using Pyctd.Interop;

namespace Pyctd.Conntrack;

/// <summary>enum ctattr_stats_cpu, ctattr_stats_global and the statistics messages (linux/netfilter/nfnetlink_conntrack.h).</summary>
internal static class CtaStats
{
    public const ushort IPCTNL_MSG_CT_GET_STATS_CPU = 4;
    public const ushort IPCTNL_MSG_CT_GET_STATS = 5;
    public const ushort NFNL_SUBSYS_CTNETLINK_EXP = 2;
    public const ushort IPCTNL_MSG_EXP_NEW = 0;
    public const ushort IPCTNL_MSG_EXP_GET = 1;

    public const ushort GLOBAL_ENTRIES = 1;
    public const ushort GLOBAL_MAX_ENTRIES = 2;

    /// <summary>
    /// conntrack(8)'s names for CTA_STATS_* by attribute number; the first five of the kernel's
    /// list are no longer sent by current kernels but are printed where an old one sends them.
    /// </summary>
    public static readonly string[] CpuCounterNames =
    [
        string.Empty, "searched", "found", "new", "invalid", "ignore", "delete", "delete_list", "insert", "insert_failed",
        "drop", "early_drop", "error", "search_restart", "clash_resolve", "chaintoolong",
    ];
}

/// <summary>One CPU's conntrack counters: the CTA_STATS_* attributes its message carried, by attribute number.</summary>
internal sealed class CpuStatistics(int cpu)
{
    public int Cpu { get; } = cpu;

    /// <summary>Indexed by attribute number (<see cref="CtaStats.CpuCounterNames"/>); null where the kernel sent none.</summary>
    public uint?[] Counters { get; } = new uint?[CtaStats.CpuCounterNames.Length];
}

/// <summary>
/// What `conntrack -S` and `-C` show, from ctnetlink itself: the per-CPU counters
/// (IPCTNL_MSG_CT_GET_STATS_CPU), the entry count and limit (IPCTNL_MSG_CT_GET_STATS), the
/// number of expectations (a dump of the expectation table, counted), and the sysctls that say
/// how big the table is and what it records.
/// </summary>
internal sealed class ConntrackStatistics
{
    public required IReadOnlyList<CpuStatistics> Cpus { get; init; }

    public required long Entries { get; init; }

    /// <summary>nf_conntrack_max, as the kernel reports it with the count.</summary>
    public required long MaxEntries { get; init; }

    public required long Expectations { get; init; }

    /// <summary>Sysctls; -1 where the kernel has none.</summary>
    public required long Buckets { get; init; }

    public required long ExpectationMax { get; init; }

    public required long Accounting { get; init; }

    public required long Timestamps { get; init; }

    public required long Events { get; init; }

    public double FillRatio => MaxEntries > 0 ? (double)Entries / MaxEntries : 0;

    /// <summary>Each counter added over the CPUs; null where no CPU sent it.</summary>
    public ulong?[] Totals()
    {
        var totals = new ulong?[CtaStats.CpuCounterNames.Length];
        foreach (CpuStatistics cpu in Cpus)
        {
            for (int i = 0; i < totals.Length; i++)
            {
                if (cpu.Counters[i] is uint value)
                {
                    totals[i] = (totals[i] ?? 0) + value;
                }
            }
        }

        return totals;
    }

    /// <summary>Everything, in the namespace <paramref name="netns"/>: three requests on one socket and a few sysctls.</summary>
    public static ConntrackStatistics Read(string? netns)
    {
        NetfilterLibrary.EnsureLoaded();
        long[] sysctls = KernelSettings.ReadIntegers(netns, "nf_conntrack_buckets", "nf_conntrack_expect_max", KernelSettings.Accounting, KernelSettings.Timestamps, KernelSettings.Events);
        using var requester = new NetlinkRequester(netns);
        (long entries, long max) = ReadGlobal(requester);
        return new ConntrackStatistics
        {
            Cpus = ReadCpus(requester),
            Entries = entries,
            MaxEntries = max,
            Expectations = CountExpectations(requester),
            Buckets = sysctls[0],
            ExpectationMax = sysctls[1],
            Accounting = sysctls[2],
            Timestamps = sysctls[3],
            Events = sysctls[4],
        };
    }

    private static List<CpuStatistics> ReadCpus(NetlinkRequester requester)
    {
        var cpus = new List<CpuStatistics>();
        requester.Exchange(Netlink.CtMessage(CtaStats.IPCTNL_MSG_CT_GET_STATS_CPU), Netlink.NLM_F_DUMP, message =>
        {
            if (message.Type != Netlink.CtMessage(CtaStats.IPCTNL_MSG_CT_GET_STATS_CPU) || message.Payload.Length < Netlink.NfgenHeaderLength)
            {
                return;
            }

            // nfgenmsg.res_id carries the CPU number, big-endian.
            var cpu = new CpuStatistics(BinaryPrimitives.ReadUInt16BigEndian(message.Payload[2..]));
            var attributes = new NetlinkAttributeReader(message.Payload[Netlink.NfgenHeaderLength..]);
            while (attributes.TryRead(out ushort type, out ReadOnlySpan<byte> value))
            {
                if (type < cpu.Counters.Length && type > 0 && value.Length >= 4)
                {
                    cpu.Counters[type] = BinaryPrimitives.ReadUInt32BigEndian(value);
                }
            }

            cpus.Add(cpu);
        });
        return cpus;
    }

    private static (long Entries, long Max) ReadGlobal(NetlinkRequester requester)
    {
        long entries = -1;
        long max = -1;
        requester.Exchange(Netlink.CtMessage(CtaStats.IPCTNL_MSG_CT_GET_STATS), Netlink.NLM_F_ACK, message =>
        {
            if (message.Type != Netlink.CtMessage(CtaStats.IPCTNL_MSG_CT_GET_STATS) || message.Payload.Length < Netlink.NfgenHeaderLength)
            {
                return;
            }

            var attributes = new NetlinkAttributeReader(message.Payload[Netlink.NfgenHeaderLength..]);
            while (attributes.TryRead(out ushort type, out ReadOnlySpan<byte> value))
            {
                if (value.Length >= 4 && type == CtaStats.GLOBAL_ENTRIES)
                {
                    entries = BinaryPrimitives.ReadUInt32BigEndian(value);
                }
                else if (value.Length >= 4 && type == CtaStats.GLOBAL_MAX_ENTRIES)
                {
                    max = BinaryPrimitives.ReadUInt32BigEndian(value);
                }
            }
        });
        return (entries, max);
    }

    private static long CountExpectations(NetlinkRequester requester)
    {
        long count = 0;
        const ushort expectation = (CtaStats.NFNL_SUBSYS_CTNETLINK_EXP << 8) | CtaStats.IPCTNL_MSG_EXP_NEW;
        requester.Exchange((CtaStats.NFNL_SUBSYS_CTNETLINK_EXP << 8) | CtaStats.IPCTNL_MSG_EXP_GET, Netlink.NLM_F_DUMP, message =>
        {
            if (message.Type == expectation)
            {
                count++;
            }
        });
        return count;
    }
}

/// <summary>
/// Small request/answer exchanges on our own netlink socket, synchronously: for statistics, whose
/// answers are a message per CPU or a single one, the dump pipeline's second thread buys nothing.
/// </summary>
internal sealed class NetlinkRequester : IDisposable
{
    private readonly NetlinkSocket _socket;
    private readonly byte[] _buffer = new byte[ConntrackDumper.ReceiveBufferSize];
    private uint _sequence = (uint)Environment.TickCount;

    public NetlinkRequester(string? netns) => _socket = NetlinkSocket.Open(netns);

    public delegate void MessageHandler(NetlinkMessage message);

    /// <summary>
    /// Sends a request of <paramref name="type"/> (family AF_UNSPEC, no attributes) and hands every
    /// answer message to <paramref name="handler"/> until NLMSG_DONE or the acknowledgement.
    /// </summary>
    public void Exchange(ushort type, ushort flags, MessageHandler handler)
    {
        uint sequence = ++_sequence;
        Span<byte> request = stackalloc byte[Netlink.HeaderLength + Netlink.NfgenHeaderLength];
        var message = new NetlinkMessageWriter(request, type, (ushort)(Netlink.NLM_F_REQUEST | flags), sequence, AddressFamilies.Unspecified);
        _socket.Send(message.Message);
        bool dump = (flags & Netlink.NLM_F_DUMP) != 0;
        while (true)
        {
            int received = _socket.Receive(_buffer);
            var reader = new NetlinkMessageReader(_buffer.AsSpan(0, received));
            while (reader.TryRead(out NetlinkMessage answer))
            {
                if (answer.Sequence != sequence)
                {
                    continue;
                }

                switch (answer.Type)
                {
                    case Netlink.NLMSG_DONE:
                        return;
                    case Netlink.NLMSG_ERROR when answer.Errno == 0:
                        return;
                    case Netlink.NLMSG_ERROR:
                        throw NativeErrors.FromErrno(answer.Errno, "cannot read the conntrack statistics");
                }

                handler(answer);
                if (!dump && (answer.Flags & Netlink.NLM_F_MULTI) == 0 && (flags & Netlink.NLM_F_ACK) == 0)
                {
                    return;
                }
            }

            if (reader.Malformed)
            {
                throw new PyctdException(ExitCode.Failure, "malformed netlink message from the kernel");
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
