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
    private readonly Dictionary<(byte Family, byte Protocol, ulong State), ulong> _entries = [];
    private readonly Dictionary<(byte Protocol, bool Reply), (ulong Bytes, ulong Packets)> _traffic = [];

    private TableMetrics(long takenTimestamp) => TakenTimestamp = takenTimestamp;

    public long TakenTimestamp { get; }

    public bool Accounting { get; private set; }

    /// <summary>The top sources by rate, when asked for; else empty.</summary>
    public IReadOnlyList<(string Host, ulong Original, ulong Reply)> TopHosts { get; private set; } = [];

    public static TableMetrics Of(Snapshot snapshot, int topHosts)
    {
        var metrics = new TableMetrics(snapshot.TakenTimestamp) { Accounting = snapshot.Accounting };
        GroupAccumulator? hosts = topHosts > 0 ? new GroupAccumulator(GroupKey.Parse("src")) : null;
        for (int i = 0; i < snapshot.Count; i++)
        {
            if (!snapshot.TryRead(i, out ConntrackRecord record, out Rates rates))
            {
                continue;
            }

            var key = (record.Family, record.Protocol, Domain.Fields.StateOrder.Of(record));
            metrics._entries[key] = metrics._entries.GetValueOrDefault(key) + 1;
            if (record.Has(RecordFields.OrigCounters))
            {
                Add(metrics._traffic, (record.Protocol, false), record.OriginalCounters);
                Add(metrics._traffic, (record.Protocol, true), record.ReplyCounters);
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
        foreach (var ((family, protocol, state), count) in _entries.OrderBy(static e => e.Key))
        {
            string stateName = state == 0 ? string.Empty : Domain.Fields.StateOrder.Names[(int)state - 1];
            text.Sample("pyctd_conntrack_entries", count,
                ("family", Name(ConntrackNames.FamilyUtf8(family))), ("protocol", Protocol(protocol)), ("state", stateName));
        }

        text.Family("pyctd_conntrack_traffic_bytes", "gauge", "Bytes the snapshot's entries have carried, by protocol and direction (needs nf_conntrack_acct=1)");
        foreach (var ((protocol, reply), (bytes, _)) in _traffic.OrderBy(static t => t.Key))
        {
            text.Sample("pyctd_conntrack_traffic_bytes", bytes, ("protocol", Protocol(protocol)), ("direction", reply ? "reply" : "original"));
        }

        text.Family("pyctd_conntrack_traffic_packets", "gauge", "Packets the snapshot's entries have carried, by protocol and direction (needs nf_conntrack_acct=1)");
        foreach (var ((protocol, reply), (_, packets)) in _traffic.OrderBy(static t => t.Key))
        {
            text.Sample("pyctd_conntrack_traffic_packets", packets, ("protocol", Protocol(protocol)), ("direction", reply ? "reply" : "original"));
        }

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

    private static void Add(Dictionary<(byte, bool), (ulong Bytes, ulong Packets)> traffic, (byte, bool) key, in Counters counters)
    {
        (ulong bytes, ulong packets) = traffic.GetValueOrDefault(key);
        traffic[key] = (bytes + counters.Bytes, packets + counters.Packets);
    }

    private static string Protocol(byte protocol)
    {
        ReadOnlySpan<byte> name = ConntrackNames.ProtocolUtf8(protocol);
        return name.SequenceEqual("unknown"u8) ? protocol.ToString(System.Globalization.CultureInfo.InvariantCulture) : Name(name);
    }

    private static string Name(ReadOnlySpan<byte> utf8) => System.Text.Encoding.ASCII.GetString(utf8);
}
