using System.Buffers.Binary;
using Pyctd.Conntrack;
using Pyctd.Output;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Conntrack;

/// <summary>
/// Valid synthetic ctnetlink messages, damaged 20,000 times over by a fixed-seed generator, go through
/// the message reader, the attribute reader and the parser (and the conntrack line, which formats
/// whatever the parser made). Nothing may throw, and a length made impossible on purpose must be
/// reported as Malformed at the level where it was made.
/// </summary>
public sealed class MessageMutationTests
{
    private const int Seed = 8_2024;
    private const int Mutations = 20_000;

    /// <summary>Lengths that can never fit: below a header, or up to the largest a u16/u32 holds.</summary>
    private static readonly int[] s_shortLengths = [0, 1, 2, 3];

    [Fact]
    public void RandomDamage_ToValidMessages_NeverEscapesTheReadersOrTheParser()
    {
        var random = new Random(Seed);
        byte[][] seeds = Seeds();
        int malformedDatagrams = 0, malformedAttributes = 0, parsed = 0;
        for (int i = 0; i < Mutations; i++)
        {
            byte[] mutant = Damage(seeds[random.Next(seeds.Length)], random);
            DatagramReport report = WalkWithoutEscape(mutant, i);
            malformedDatagrams += report.DatagramMalformed ? 1 : 0;
            malformedAttributes += report.AttributesMalformed || report.NestsMalformed ? 1 : 0;
            parsed += report.Parsed ? 1 : 0;
        }

        // The damage reached every path it is meant to, not only the first length check.
        Assert.True(malformedDatagrams > Mutations / 20, $"{malformedDatagrams} malformed datagrams");
        Assert.True(malformedAttributes > Mutations / 20, $"{malformedAttributes} malformed attribute runs");
        Assert.True(parsed > Mutations / 2, $"{parsed} parsed");
    }

    [Fact]
    public void ImpossibleAttributeLength_AnywhereInTheMessage_IsReportedMalformedAtItsLevel()
    {
        var random = new Random(Seed + 1);
        byte[][] seeds = Seeds(singleMessages: true);
        for (int i = 0; i < Mutations / 4; i++)
        {
            byte[] seed = seeds[random.Next(seeds.Length)];
            var headers = new List<(int Offset, int RunEnd, bool Top)>();
            ReadOnlySpan<byte> attributes = seed.AsSpan(Netlink.HeaderLength + Netlink.NfgenHeaderLength);
            DatagramWalk.Headers(attributes, (offset, runEnd, top) => headers.Add((offset, runEnd, top)));
            (int at, int end, bool top) = headers[random.Next(headers.Count)];

            byte[] mutant = (byte[])seed.Clone();
            int impossible = random.Next(2) == 0 ? s_shortLengths[random.Next(s_shortLengths.Length)] : random.Next(end - at + 1, ushort.MaxValue + 1);
            BinaryPrimitives.WriteUInt16LittleEndian(mutant.AsSpan(Netlink.HeaderLength + Netlink.NfgenHeaderLength + at), (ushort)impossible);

            DatagramReport report = WalkWithoutEscape(mutant, i);
            Assert.False(report.DatagramMalformed);
            Assert.True(top ? report.AttributesMalformed : report.NestsMalformed, $"nla_len {impossible} at attribute offset {at} (top level: {top}) not reported");
        }
    }

    [Fact]
    public void ImpossibleMessageLength_IsReportedMalformed_AndYieldsNoMessage()
    {
        var random = new Random(Seed + 2);
        byte[][] seeds = Seeds(singleMessages: true);
        for (int i = 0; i < Mutations / 4; i++)
        {
            byte[] mutant = (byte[])seeds[random.Next(seeds.Length)].Clone();
            uint impossible = random.Next(2) == 0 ? (uint)random.Next(Netlink.HeaderLength) : (uint)random.NextInt64(mutant.Length + 1, uint.MaxValue + 1L);
            BinaryPrimitives.WriteUInt32LittleEndian(mutant, impossible);

            DatagramReport report = WalkWithoutEscape(mutant, i);
            Assert.True(report.DatagramMalformed, $"nlmsg_len {impossible} of a {mutant.Length}-byte datagram not reported");
            Assert.Equal(0, report.Messages);
        }
    }

    private static DatagramReport WalkWithoutEscape(byte[] mutant, int iteration)
    {
        try
        {
            DatagramReport report = DatagramWalk.Walk(mutant);
            WalkEverythingAsAttributes(mutant, depth: 0);
            Span<byte> line = stackalloc byte[2048];
            ConntrackLineFormatter.Format(report.Record, 1_700_000_000, line);
            return report;
        }
        catch (Exception error) when (error is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"mutation {iteration} (seed {Seed}): {error.GetType().Name}: {error.Message}\n{Convert.ToHexString(mutant)}");
            throw;
        }
    }

    /// <summary>Treats every payload as a run of attributes, to a depth of 4: the reader must cope with any bytes at all.</summary>
    private static void WalkEverythingAsAttributes(ReadOnlySpan<byte> bytes, int depth)
    {
        var reader = new NetlinkAttributeReader(bytes);
        while (reader.TryRead(out _, out ReadOnlySpan<byte> payload))
        {
            DatagramWalk.AssertInside(bytes, payload);
            if (depth < 4)
            {
                WalkEverythingAsAttributes(payload, depth + 1);
            }
        }
    }

    /// <summary>One to three kinds of damage, each of a kind real corruption takes.</summary>
    private static byte[] Damage(byte[] seed, Random random)
    {
        byte[] bytes = (byte[])seed.Clone();
        for (int count = random.Next(1, 4); count > 0; count--)
        {
            bytes = random.Next(7) switch
            {
                0 => FlipBit(bytes, random),
                1 => SetByte(bytes, random),
                2 => SetU16(bytes, random),
                3 => bytes[..random.Next(bytes.Length + 1)],
                4 => [.. bytes, .. RandomBytes(random, random.Next(1, 24))],
                5 => Splice(bytes, random),
                _ => SetU16(bytes, random, aligned: true),
            };
        }

        return bytes;
    }

    private static byte[] FlipBit(byte[] bytes, Random random)
    {
        if (bytes.Length > 0)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }

    private static byte[] SetByte(byte[] bytes, Random random)
    {
        if (bytes.Length > 0)
        {
            bytes[random.Next(bytes.Length)] = (byte)(random.Next(3) switch { 0 => 0, 1 => 0xff, _ => random.Next(256) });
        }

        return bytes;
    }

    /// <summary>nla_len/nla_type and nlmsg_len are u16/u32 at 4-byte boundaries: the most telling place to write.</summary>
    private static byte[] SetU16(byte[] bytes, Random random, bool aligned = false)
    {
        if (bytes.Length >= 2)
        {
            int at = random.Next(bytes.Length - 1);
            at = aligned ? at & ~3 : at;
            ushort value = (ushort)(random.Next(4) switch { 0 => random.Next(8), 1 => 0xffff - random.Next(8), 2 => bytes.Length - at + random.Next(-4, 5), _ => random.Next(0x10000) });
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), value);
        }

        return bytes;
    }

    /// <summary>Repeats or drops a stretch: attributes shifted against their lengths.</summary>
    private static byte[] Splice(byte[] bytes, Random random)
    {
        int from = random.Next(bytes.Length + 1);
        int to = random.Next(from, bytes.Length + 1);
        return random.Next(2) == 0 ? [.. bytes[..to], .. bytes[from..]] : [.. bytes[..from], .. bytes[to..]];
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Valid messages of every shape the parser knows, built as in SyntheticMessageTests.</summary>
    private static byte[][] Seeds(bool singleMessages = false)
    {
        byte[][] single =
        [
            SyntheticMessages.EveryOptionalAttribute(),
            SyntheticMessages.Build(AddressFamilies.Inet6, static b => b
                .Tuple(IpProtocols.Sctp, "fd00::1", 36412, "fd00::2", 36412).State(Cta.PROTOINFO_SCTP, 3).U32(Cta.ID, 7)),
            SyntheticMessages.Build(AddressFamilies.Inet6, static b => b
                .Icmp(IpProtocols.IcmpV6, "fe80::1", "fe80::2", 128, 0, 4711).U32(Cta.TIMEOUT, 30).U32(Cta.ID, 8)),
            SyntheticMessages.Build(AddressFamilies.Inet, static b => b
                .Tuple(IpProtocols.Dccp, "10.0.0.1", 5000, "10.0.0.2", 6000).State(Cta.PROTOINFO_DCCP, 4).U32(Cta.ID, 9)),
            SyntheticMessages.Build(AddressFamilies.Inet, static b => b
                .Tuple(IpProtocols.Udp, "10.0.0.1", 53, "10.0.0.2", 5353).Helper("a-very-long-helper-name").U32(Cta.ID, 10)),
        ];

        // A dump batch: several messages back to back, each padded to 4 bytes (they all are).
        return singleMessages ? single : [.. single, [.. single[0], .. single[1]], [.. single[2], .. single[3], .. single[4]]];
    }
}
