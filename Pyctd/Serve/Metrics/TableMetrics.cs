using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Query;
using Pyctd.Serve.Snapshots;

namespace Pyctd.Serve.Metrics;

/// <summary>
/// What /metrics says about one snapshot: entries by family, protocol and state, bytes and packets
/// by protocol and direction, and (with --metrics-top) the sources with the highest rates. Added
/// up once per snapshot; scrapes that find the same snapshot reuse it.
/// </summary>
internal sealed class TableMetrics
{
    // Flat arrays, indexed by (family, protocol, state rank) and (protocol, direction): a 200,000-entry
    // snapshot is summed without a dictionary lookup per entry.
    private const int StateSlots = 64;
    private readonly ulong[] _entries = new ulong[2 * 256 * StateSlots];
    private readonly ulong[] _bytes = new ulong[256 * 2];
    private readonly ulong[] _packets = new ulong[256 * 2];
    private readonly bool[] _counted = new bool[256];

    private TableMetrics(long takenTimestamp) => TakenTimestamp = takenTimestamp;

    public long TakenTimestamp { get; }

    /// <summary>The top sources by rate, when asked for; else empty.</summary>
    public IReadOnlyList<(string Host, ulong Original, ulong Reply)> TopHosts { get; private set; } = [];

    public static TableMetrics Of(Snapshot snapshot, int topHosts)
    {
        var metrics = new TableMetrics(snapshot.TakenTimestamp);
        GroupAccumulator? hosts = topHosts > 0 ? new GroupAccumulator(GroupKey.Parse("src")) : null;
        for (int i = 0; i < snapshot.Count; i++)
        {
            if (!snapshot.TryRead(i, out ConntrackRecord record, out Rates rates))
            {
                continue;
            }

            int family = record.Family == AddressFamilies.Inet6 ? 1 : 0;
            ulong state = Math.Min(Domain.Fields.StateOrder.Of(record), StateSlots - 1);
            metrics._entries[(((family * 256) + record.Protocol) * StateSlots) + (int)state]++;
            if (record.Has(RecordFields.OrigCounters))
            {
                metrics._counted[record.Protocol] = true;
                metrics._bytes[record.Protocol * 2] += record.OriginalCounters.Bytes;
                metrics._packets[record.Protocol * 2] += record.OriginalCounters.Packets;
                metrics._bytes[(record.Protocol * 2) + 1] += record.ReplyCounters.Bytes;
                metrics._packets[(record.Protocol * 2) + 1] += record.ReplyCounters.Packets;
            }

            hosts?.Add(record, rates); // at the cap, further hosts are left out: a top N of 100,000 hosts is not asked for
        }

        if (hosts is not null)
        {
            Span<byte> text = stackalloc byte[GroupKey.MaxTextLength];
            var top = new List<(string, ulong, ulong)>();
            foreach (int index in new GroupOrder(GroupMetric.Rate, Descending: true).Rank(hosts, topHosts))
            {
                int length = hosts.Key.Format(hosts.Keys[index], text);
                top.Add((System.Text.Encoding.ASCII.GetString(text[..length]), hosts.Totals[index].OriginalRate, hosts.Totals[index].ReplyRate));
            }

            metrics.TopHosts = top;
        }

        return metrics;
    }

    public void Write(PrometheusText text)
    {
        text.Family("pyctd_conntrack_entries", "gauge", "Entries of the snapshot by address family, protocol and state (no state label: the protocol has none)");
        for (int slot = 0; slot < _entries.Length; slot++)
        {
            if (_entries[slot] == 0)
            {
                continue;
            }

            int state = slot % StateSlots;
            byte protocol = (byte)(slot / StateSlots % 256);
            byte family = slot / StateSlots / 256 == 1 ? AddressFamilies.Inet6 : AddressFamilies.Inet;
            string stateName = state == 0 ? string.Empty : Domain.Fields.StateOrder.Names[state - 1];
            text.Sample("pyctd_conntrack_entries", _entries[slot],
                ("family", Name(ConntrackNames.FamilyUtf8(family))), ("protocol", Protocol(protocol)), ("state", stateName));
        }

        WriteTraffic(text, "pyctd_conntrack_traffic_bytes", "Bytes", _bytes);
        WriteTraffic(text, "pyctd_conntrack_traffic_packets", "Packets", _packets);

        if (TopHosts.Count > 0)
        {
            text.Family("pyctd_conntrack_host_rate_bytes_per_second", "gauge", "Bytes per second of the sources with the highest rates (--metrics-top), by direction");
            foreach (var (host, original, reply) in TopHosts)
            {
                text.Sample("pyctd_conntrack_host_rate_bytes_per_second", original, ("host", host), ("direction", "original"));
                text.Sample("pyctd_conntrack_host_rate_bytes_per_second", reply, ("host", host), ("direction", "reply"));
            }
        }
    }

    private void WriteTraffic(PrometheusText text, string name, string what, ulong[] totals)
    {
        text.Family(name, "gauge", $"{what} the snapshot's entries have carried, by protocol and direction (needs nf_conntrack_acct=1)");
        for (int protocol = 0; protocol < 256; protocol++)
        {
            if (_counted[protocol])
            {
                text.Sample(name, totals[protocol * 2], ("protocol", Protocol((byte)protocol)), ("direction", "original"));
                text.Sample(name, totals[(protocol * 2) + 1], ("protocol", Protocol((byte)protocol)), ("direction", "reply"));
            }
        }
    }

    private static string Protocol(byte protocol)
    {
        ReadOnlySpan<byte> name = ConntrackNames.ProtocolUtf8(protocol);
        return name.SequenceEqual("unknown"u8) ? protocol.ToString(System.Globalization.CultureInfo.InvariantCulture) : Name(name);
    }

    private static string Name(ReadOnlySpan<byte> utf8) => System.Text.Encoding.ASCII.GetString(utf8);
}
