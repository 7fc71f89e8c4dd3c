namespace Pyctd.Domain;

/// <summary>
/// Bytes per second of one connection, measured between two reads of the table. Only a source
/// that reads twice (serve's snapshots) has them; <see cref="Measured"/> is false everywhere else,
/// and then the rate fields are neither written nor filterable.
/// </summary>
internal readonly record struct Rates(ulong Original, ulong Reply, bool Measured)
{
    public static Rates None => default;

    public ulong Total => Original + Reply;
}
