using System.Text;
using Pyctd.Conntrack;
using Pyctd.Domain;
using Pyctd.Domain.Fields;
using Pyctd.Output;
using Pyctd.Serve.Snapshots;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Serve;

public sealed class SnapshotTableTests
{
    private static string Json(in ConntrackRecord record)
    {
        var buffer = new byte[JsonWriter.MaxObjectLength];
        var json = new JsonObjectWriter(buffer);
        FieldWriting.WriteFields(ref json, record, Rates.None);
        return Encoding.UTF8.GetString(buffer, 0, json.Finish());
    }

    private static IEnumerable<ConntrackRecord> Varied()
    {
        var random = new Random(5);
        for (int i = 0; i < 500; i++)
        {
            bool ipv6 = i % 3 == 0;
            ConntrackRecord record = (i % 4) switch
            {
                0 => Records.Tcp(ipv6 ? $"fd00::{i:x}" : $"10.1.{i % 256}.{i / 256}", (ushort)i, ipv6 ? "fd00::ffff" : "198.51.100.7", 443, state: (byte)(i % 10)),
                1 => Records.Flow(IpProtocols.Udp, ipv6 ? $"2001:db8::{i:x}" : "192.0.2.1", (ushort)(i * 7), ipv6 ? "2001:db8::1" : "192.0.2.2", 53),
                2 => Records.Flow(ipv6 ? IpProtocols.IcmpV6 : IpProtocols.Icmp, ipv6 ? "fd00::1" : "10.0.0.1", 0, ipv6 ? "fd00::2" : "10.0.0.2", 0),
                _ => Records.Flow(IpProtocols.Gre, "10.9.9.9", 0, "10.8.8.8", 0),
            };
            record.Id = (uint)random.Next() | 0x8000_0000;
            record.Mark = (uint)random.Next();
            record.Fields |= RecordFields.OrigCounters | RecordFields.ReplyCounters | RecordFields.TimestampStart;
            record.OriginalCounters = new Counters { Packets = (ulong)random.Next(), Bytes = (ulong)random.NextInt64() };
            record.ReplyCounters = new Counters { Packets = (ulong)random.Next(), Bytes = (ulong)random.NextInt64() };
            record.StartNanoseconds = (ulong)random.NextInt64(0, 4_000_000_000L * 1_000_000_000L / 2);
            if (IpProtocols.IsIcmp(record.Protocol))
            {
                record.Original.IcmpId = (ushort)i;
                record.Original.IcmpType = 8;
                record.Original.IcmpCode = (byte)(i % 3);
            }

            if (i % 50 == 7)
            {
                record.Zone = 3; // rare: kept whole
            }

            yield return record;
        }

        yield return Records.Maximal();
    }

    [Fact]
    public void AddAndRead_RoundTrip_KeepsEveryFieldTheCatalogWrites()
    {
        using var table = new SnapshotTable(16);
        ConntrackRecord[] records = Varied().ToArray();
        foreach (ConntrackRecord record in records)
        {
            table.Add(record);
        }

        for (int i = 0; i < records.Length; i++)
        {
            table.Read(i, out ConntrackRecord back);
            Assert.Equal(Json(records[i]), Json(back));
        }
    }

    [Fact]
    public void CompactEntry_IsSmall() => Assert.Equal(80, System.Runtime.CompilerServices.Unsafe.SizeOf<CompactEntry>());

    [Fact]
    public void OrderById_SortsInPlace_AndFindsEveryId()
    {
        using var table = new SnapshotTable(16);
        ConntrackRecord[] records = Varied().ToArray();
        foreach (ConntrackRecord record in records)
        {
            table.Add(record);
        }

        var snapshot = new Snapshot(table, DateTime.UtcNow, 0, previous: null, onLastRelease: static _ => { });
        foreach (ConntrackRecord record in records)
        {
            int index = snapshot.IndexOf(record.Id);
            Assert.True(snapshot.TryRead(index, out ConntrackRecord found, out _));
            Assert.Equal(Json(record), Json(found));
        }

        for (int i = 1; i < snapshot.Count; i++)
        {
            Assert.True(table[i - 1].Id < table[i].Id, $"entry {i} is out of id order");
        }

        Assert.Equal(-1, snapshot.IndexOf(12345));
    }

    [Fact]
    public void Apply_KillAndMark_AreVisibleInTheSnapshot()
    {
        using var table = new SnapshotTable(16);
        ConntrackRecord[] records = Varied().Take(20).ToArray();
        foreach (ConntrackRecord record in records)
        {
            table.Add(record);
        }

        var snapshot = new Snapshot(table, DateTime.UtcNow, 0, previous: null, onLastRelease: static _ => { });
        int killed = snapshot.IndexOf(records[3].Id);
        snapshot.Apply(records[3], ConnectionChange.Delete);
        snapshot.Apply(records[4], ConnectionChange.SetMark(0x10, 0xff));
        ConntrackRecord other = records[5];
        other.Original.SourcePort++; // the same id on another tuple is another connection
        snapshot.Apply(other, ConnectionChange.Delete);

        Assert.Equal(-1, snapshot.IndexOf(records[3].Id));
        Assert.False(snapshot.TryRead(killed, out _, out _));
        Assert.Equal(19, snapshot.LiveCount);
        Assert.True(snapshot.TryRead(snapshot.IndexOf(records[4].Id), out ConntrackRecord marked, out _));
        Assert.Equal((records[4].Mark & ~0xffu) | 0x10, marked.Mark);
        Assert.True(snapshot.TryRead(snapshot.IndexOf(records[5].Id), out _, out _));
    }

    [Fact]
    public void Apply_FixedTimeout_ShowsTheTimeoutAndTheBit_OnCompactAndWholeEntries()
    {
        ConntrackRecord[] records = Varied().Take(20).ToArray();
        ConntrackRecord whole = records[7];
        Assert.True(EntryPacking.NeedsWhole(whole), "a zone keeps the entry whole");
        var snapshot = new Snapshot(Table(records), DateTime.UtcNow, 0, previous: null, onLastRelease: static _ => { });

        foreach (ConntrackRecord record in (ConntrackRecord[])[records[4], whole])
        {
            snapshot.Apply(record, ConnectionChange.SetTimeout(5000, fixedTimeout: true));
            Assert.True(snapshot.TryRead(snapshot.IndexOf(record.Id), out ConntrackRecord changed, out _));
            Assert.Equal(5000u, changed.Timeout);
            Assert.Equal(record.Status | ConntrackStatus.FixedTimeout, changed.Status);
        }
    }

    [Fact]
    public void Rates_AreBytesPerSecondSinceThePreviousSnapshot_ForTheSameConnectionOnly()
    {
        ConntrackRecord[] before = Varied().Take(3).ToArray();
        ConntrackRecord[] after = [.. before];
        after[0].OriginalCounters.Bytes += 1000;
        after[0].ReplyCounters.Bytes += 500;
        after[1].OriginalCounters.Bytes += 1000;
        after[1].Original.SourcePort++; // the id reused by another connection: no rate
        after[2].Id ^= 1; // a new connection: no rate yet

        var earlier = new Snapshot(Table(before), DateTime.UtcNow, 0, previous: null, onLastRelease: static _ => { });
        var later = new Snapshot(Table(after), DateTime.UtcNow, 2 * System.Diagnostics.Stopwatch.Frequency, earlier, onLastRelease: static _ => { });

        Assert.Equal(new Rates(500, 250, true), RatesOf(later, after[0].Id));
        Assert.Equal(new Rates(0, 0, true), RatesOf(later, after[1].Id));
        Assert.Equal(new Rates(0, 0, true), RatesOf(later, after[2].Id));
    }

    private static SnapshotTable Table(IEnumerable<ConntrackRecord> records)
    {
        var table = new SnapshotTable(16);
        foreach (ConntrackRecord record in records)
        {
            table.Add(record);
        }

        return table;
    }

    private static Rates RatesOf(Snapshot snapshot, uint id)
    {
        Assert.True(snapshot.TryRead(snapshot.IndexOf(id), out _, out Rates rates));
        return rates;
    }
}
