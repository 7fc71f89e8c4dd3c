namespace Pyctd.Serve.WebConsole;

/// <summary>
/// FNV-1a, 64 bits: names versions and ETags. They need to change when a file does, not to resist
/// an attacker (the files are ours), and a cryptographic hash would load OpenSSL into a server
/// that may not otherwise need it (--auth none): megabytes of RSS for a 20 KiB console.
/// </summary>
internal static class Fnv1a
{
    public const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Append(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
