using System.Runtime.InteropServices;
using Pyctd.Conntrack;

namespace Pyctd.Serve.Snapshots;

/// <summary>
/// One entry of a snapshot in 80 bytes instead of a record's 208: IPv4 addresses inline, IPv6
/// tuples in a side pool, and whatever is rare (a zone, secmark, labels, a helper, a reference count
/// other than 1, packet counts beyond 32 bits) kept as the whole record in a side list. A snapshot
/// of 200,000 entries is 16 MB, so two of them (the one served, the one being read) fit the budget.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct CompactEntry
{
    public uint Id;
    public uint Timeout;
    public uint Mark;

    /// <summary>IPS_* bits; the kernel defines 16 of them (larger values make the entry whole).</summary>
    public ushort Status;

    /// <summary>The record's <see cref="RecordFields"/>; those above bit 15 only ever come with whole entries.</summary>
    public ushort Fields;

    public uint OriginalPackets;
    public uint ReplyPackets;
    public ulong OriginalBytes;
    public ulong ReplyBytes;

    /// <summary>Seconds since the epoch: what the catalog's start field gives (until 2106).</summary>
    public uint StartSeconds;

    /// <summary>
    /// IPv4 addresses as the kernel sent them (network order). For IPv6 entries the first holds the
    /// tuple's index in the IPv6 pool; for whole entries, the record's index in the side list.
    /// </summary>
    public uint OriginalSource;
    public uint OriginalDestination;
    public uint ReplySource;
    public uint ReplyDestination;

    /// <summary>Ports, or for ICMP the id and (type &lt;&lt; 8 | code).</summary>
    public ushort OriginalSourcePort;
    public ushort OriginalDestinationPort;
    public ushort ReplySourcePort;
    public ushort ReplyDestinationPort;

    public byte Family;
    public byte Protocol;
    public byte ProtocolState;
    public EntryFlags Flags;

    /// <summary>Bytes per second; float, since a rate is an estimate and 24 bits of it are plenty.</summary>
    public float OriginalRate;
    public float ReplyRate;

    public readonly bool IsWhole => (Flags & EntryFlags.Whole) != 0;
}

[Flags]
internal enum EntryFlags : byte
{
    None = 0,

    /// <summary>Killed through the API since the snapshot was taken: no view shows it again.</summary>
    Deleted = 1,

    /// <summary>Not representable compactly: the whole record is in the side list.</summary>
    Whole = 2,
}

/// <summary>Both tuples' IPv6 addresses, 64 bytes, in the snapshot's IPv6 pool.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IPv6Addresses
{
    public AddressBytes OriginalSource;
    public AddressBytes OriginalDestination;
    public AddressBytes ReplySource;
    public AddressBytes ReplyDestination;
}

/// <summary>Packs a record into a <see cref="CompactEntry"/> and back; the round trip keeps every field the catalog reads.</summary>
internal static class EntryPacking
{
    private const RecordFields RareParts = RecordFields.Secmark | RecordFields.Labels | RecordFields.Helper
        | RecordFields.OrigZone | RecordFields.ReplyZone | RecordFields.SecurityContext | RecordFields.TimestampStop;

    /// <summary>Whether the record needs the side list (rare parts, or values the compact form cannot hold).</summary>
    public static bool NeedsWhole(in ConntrackRecord record) =>
        (record.Fields & RareParts) != 0
        || record.Zone != 0
        || record.Status > ushort.MaxValue || (uint)record.Fields > ushort.MaxValue
        || (record.Has(RecordFields.Use) && record.Use != 1)
        || record.OriginalCounters.Packets > uint.MaxValue || record.ReplyCounters.Packets > uint.MaxValue
        || record.StartNanoseconds / 1_000_000_000 > uint.MaxValue
        || record.Original.Protocol != record.Protocol || record.Reply.Protocol != record.Protocol
        || record.Family is not (AddressFamilies.Inet or AddressFamilies.Inet6);

    /// <summary>The parts every entry has; addresses and the whole-record index are the caller's.</summary>
    public static void Pack(in ConntrackRecord record, ref CompactEntry entry)
    {
        entry.Id = record.Id;
        entry.Status = (ushort)record.Status;
        entry.Timeout = record.Timeout;
        entry.Mark = record.Mark;
        entry.OriginalPackets = (uint)record.OriginalCounters.Packets;
        entry.ReplyPackets = (uint)record.ReplyCounters.Packets;
        entry.OriginalBytes = record.OriginalCounters.Bytes;
        entry.ReplyBytes = record.ReplyCounters.Bytes;
        entry.StartSeconds = (uint)(record.StartNanoseconds / 1_000_000_000);
        entry.Family = record.Family;
        entry.Protocol = record.Protocol;
        entry.ProtocolState = record.ProtocolState;
        entry.Fields = (ushort)record.Fields;
        if (IpProtocols.IsIcmp(record.Protocol))
        {
            entry.OriginalSourcePort = record.Original.IcmpId;
            entry.OriginalDestinationPort = (ushort)((record.Original.IcmpType << 8) | record.Original.IcmpCode);
            entry.ReplySourcePort = record.Reply.IcmpId;
            entry.ReplyDestinationPort = (ushort)((record.Reply.IcmpType << 8) | record.Reply.IcmpCode);
        }
        else
        {
            entry.OriginalSourcePort = record.Original.SourcePort;
            entry.OriginalDestinationPort = record.Original.DestinationPort;
            entry.ReplySourcePort = record.Reply.SourcePort;
            entry.ReplyDestinationPort = record.Reply.DestinationPort;
        }

        if (record.Family == AddressFamilies.Inet)
        {
            entry.OriginalSource = MemoryMarshal.Read<uint>(record.Original.Source);
            entry.OriginalDestination = MemoryMarshal.Read<uint>(record.Original.Destination);
            entry.ReplySource = MemoryMarshal.Read<uint>(record.Reply.Source);
            entry.ReplyDestination = MemoryMarshal.Read<uint>(record.Reply.Destination);
        }
    }

    public static void Unpack(in CompactEntry entry, in IPv6Addresses ipv6, out ConntrackRecord record)
    {
        record = default;
        record.Id = entry.Id;
        record.Status = entry.Status;
        record.Timeout = entry.Timeout;
        record.Mark = entry.Mark;
        record.Fields = (RecordFields)entry.Fields;
        record.Use = record.Has(RecordFields.Use) ? 1u : 0u;
        record.OriginalCounters = new Counters { Packets = entry.OriginalPackets, Bytes = entry.OriginalBytes };
        record.ReplyCounters = new Counters { Packets = entry.ReplyPackets, Bytes = entry.ReplyBytes };
        record.StartNanoseconds = entry.StartSeconds * 1_000_000_000UL;
        record.Family = entry.Family;
        record.Protocol = entry.Protocol;
        record.ProtocolState = entry.ProtocolState;
        record.Original.Protocol = entry.Protocol;
        record.Reply.Protocol = entry.Protocol;
        if (IpProtocols.IsIcmp(entry.Protocol))
        {
            record.Original.IcmpId = entry.OriginalSourcePort;
            record.Original.IcmpType = (byte)(entry.OriginalDestinationPort >> 8);
            record.Original.IcmpCode = (byte)entry.OriginalDestinationPort;
            record.Reply.IcmpId = entry.ReplySourcePort;
            record.Reply.IcmpType = (byte)(entry.ReplyDestinationPort >> 8);
            record.Reply.IcmpCode = (byte)entry.ReplyDestinationPort;
        }
        else
        {
            record.Original.SourcePort = entry.OriginalSourcePort;
            record.Original.DestinationPort = entry.OriginalDestinationPort;
            record.Reply.SourcePort = entry.ReplySourcePort;
            record.Reply.DestinationPort = entry.ReplyDestinationPort;
        }

        if (entry.Family == AddressFamilies.Inet6)
        {
            record.Original.Source = ipv6.OriginalSource;
            record.Original.Destination = ipv6.OriginalDestination;
            record.Reply.Source = ipv6.ReplySource;
            record.Reply.Destination = ipv6.ReplyDestination;
        }
        else
        {
            MemoryMarshal.Write(record.Original.Source, entry.OriginalSource);
            MemoryMarshal.Write(record.Original.Destination, entry.OriginalDestination);
            MemoryMarshal.Write(record.Reply.Source, entry.ReplySource);
            MemoryMarshal.Write(record.Reply.Destination, entry.ReplyDestination);
        }
    }

    public static IPv6Addresses IPv6Of(in ConntrackRecord record) => new()
    {
        OriginalSource = record.Original.Source,
        OriginalDestination = record.Original.Destination,
        ReplySource = record.Reply.Source,
        ReplyDestination = record.Reply.Destination,
    };

    /// <summary>
    /// For rates: the same id with another tuple is a new entry that reused the id. Ports and
    /// protocol always, the IPv4 source where both hold it inline.
    /// </summary>
    public static bool SameTuple(in CompactEntry a, in CompactEntry b) =>
        a.Protocol == b.Protocol && a.Family == b.Family && a.OriginalSourcePort == b.OriginalSourcePort
        && a.OriginalDestinationPort == b.OriginalDestinationPort
        && (a.Family == AddressFamilies.Inet6 || a.IsWhole || b.IsWhole || a.OriginalSource == b.OriginalSource);
}
