using System.Buffers.Text;
using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>
/// Address text exactly as glibc prints it: inet_ntoa for IPv4, inet_ntop for IPv6 (longest zero run
/// of two or more groups compressed, lowercase hex, "::a.b.c.d" and "::ffff:a.b.c.d" for embedded IPv4).
/// conntrack(8) uses these, so `-o conntrack` must too.
/// </summary>
internal static class AddressText
{
    public const int MaxLength = 45; // INET6_ADDRSTRLEN - 1

    public static int Format(byte family, in AddressBytes address, Span<byte> destination)
    {
        ReadOnlySpan<byte> bytes = address;
        return family == AddressFamilies.Inet6 ? FormatIPv6(bytes, destination) : FormatIPv4(bytes[..4], destination);
    }

    public static int FormatIPv4(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        int length = 0;
        for (int i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                destination[length++] = (byte)'.';
            }

            Utf8Formatter.TryFormat(address[i], destination[length..], out int written);
            length += written;
        }

        return length;
    }

    public static int FormatIPv6(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        Span<ushort> words = stackalloc ushort[8];
        for (int i = 0; i < 8; i++)
        {
            words[i] = (ushort)((address[2 * i] << 8) | address[(2 * i) + 1]);
        }

        // The longest run of zero groups (the first of equal runs); runs of one are not compressed.
        int bestStart = -1, bestLength = 0, runStart = -1;
        for (int i = 0; i <= 8; i++)
        {
            if (i < 8 && words[i] == 0)
            {
                if (runStart < 0)
                {
                    runStart = i;
                }
            }
            else if (runStart >= 0)
            {
                if (i - runStart > bestLength)
                {
                    bestStart = runStart;
                    bestLength = i - runStart;
                }

                runStart = -1;
            }
        }

        if (bestLength < 2)
        {
            bestStart = -1;
        }

        int length = 0;
        for (int i = 0; i < 8; i++)
        {
            if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength)
            {
                if (i == bestStart)
                {
                    destination[length++] = (byte)':';
                }

                continue;
            }

            if (i != 0)
            {
                destination[length++] = (byte)':';
            }

            // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses end in dotted quad.
            if (i == 6 && bestStart == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xffff)))
            {
                return length + FormatIPv4(address[12..], destination[length..]);
            }

            Utf8Formatter.TryFormat(words[i], destination[length..], out int written, new System.Buffers.StandardFormat('x'));
            length += written;
        }

        if (bestStart >= 0 && bestStart + bestLength == 8)
        {
            destination[length++] = (byte)':';
        }

        return length;
    }
}
