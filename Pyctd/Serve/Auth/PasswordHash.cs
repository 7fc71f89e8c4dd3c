using System.Security.Cryptography;
using System.Text;

namespace Pyctd.Serve.Auth;

/// <summary>
/// Salted PBKDF2-SHA256 password hashes, "pbkdf2-sha256$ITERATIONS$SALT$HASH" (base64 parts), and
/// the unsalted SHA-1/SHA-256 hex digests of the original's auth_sha.py, accepted for migration.
/// Every comparison is constant-time.
/// </summary>
internal static class PasswordHash
{
    public const string Scheme = "pbkdf2-sha256";
    public const int DefaultIterations = 600_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Create(string password, int iterations = DefaultIterations)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether <paramref name="stored"/> is a form this class can verify; <paramref name="legacy"/> for unsalted digests.</summary>
    public static bool IsValid(string stored, out bool legacy)
    {
        legacy = IsHex(stored) && stored.Length is 40 or 64;
        if (legacy)
        {
            return true;
        }

        string[] parts = stored.Split('$');
        return parts.Length == 4 && parts[0] == Scheme
            && int.TryParse(parts[1], out int iterations) && iterations >= 1000
            && TryBase64(parts[2], out _) && TryBase64(parts[3], out byte[] hash) && hash.Length >= 16;
    }

    public static bool Verify(string password, string stored)
    {
        byte[] secret = Encoding.UTF8.GetBytes(password);
        if (IsHex(stored) && stored.Length is 40 or 64)
        {
#pragma warning disable CA5350 // SHA-1: only to verify the original's legacy digests; new passwords are PBKDF2-SHA256
            byte[] digest = stored.Length == 40 ? SHA1.HashData(secret) : SHA256.HashData(secret);
#pragma warning restore CA5350
            return CryptographicOperations.FixedTimeEquals(digest, Convert.FromHexString(stored));
        }

        string[] parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out int iterations)
            || !TryBase64(parts[2], out byte[] salt) || !TryBase64(parts[3], out byte[] expected))
        {
            return false;
        }

        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// A hash no password matches, as costly to check as the users' own (the iteration count most of
    /// them have): checking a login for a name that is no user against it takes as long as a wrong
    /// password for one that is, so the time of the answer does not tell which names exist. No
    /// derivation is needed to make it; its "hash" is random bytes.
    /// </summary>
    public static string Dummy(IEnumerable<User> users)
    {
        int[] costs = users.Select(static u => IterationsOf(u.Hash)).ToArray();
        int typical = costs.Length == 0 ? DefaultIterations
            : costs.CountBy(static c => c).OrderByDescending(static c => c.Value).ThenByDescending(static c => c.Key).First().Key;
        return typical == 0
            ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) // the users have unsalted SHA-256 digests
            : $"{Scheme}${typical}${Convert.ToBase64String(RandomNumberGenerator.GetBytes(SaltBytes))}${Convert.ToBase64String(RandomNumberGenerator.GetBytes(HashBytes))}";
    }

    /// <summary>The PBKDF2 iteration count of a stored hash; 0 for an unsalted digest.</summary>
    private static int IterationsOf(string stored)
    {
        string[] parts = stored.Split('$');
        return parts.Length == 4 && int.TryParse(parts[1], out int iterations) ? iterations : 0;
    }

    private static bool IsHex(string text) => text.Length > 0 && text.All(char.IsAsciiHexDigit);

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text, bytes, out int written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
