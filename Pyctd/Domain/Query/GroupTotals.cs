namespace Pyctd.Domain.Query;

/// <summary>What one group adds up: its connections, their packets and bytes, and bytes per second by direction.</summary>
internal struct GroupTotals
{
    public ulong Connections;
    public ulong Packets;
    public ulong OriginalBytes;
    public ulong ReplyBytes;
    public ulong OriginalRate;
    public ulong ReplyRate;

    public readonly ulong Bytes => OriginalBytes + ReplyBytes;

    public readonly ulong Rate => OriginalRate + ReplyRate;
}
