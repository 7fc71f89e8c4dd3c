using System.Buffers.Binary;
using Pyctd.Conntrack;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Conntrack;

/// <summary>
/// A fixed timeout is one update with CTA_TIMEOUT and CTA_STATUS. The kernel refuses CTA_STATUS
/// (EBUSY) unless EXPECTED, CONFIRMED, DYING, SEEN_REPLY and ASSURED are the entry's, and only
/// ever sets the other bits: so exactly those bits of the entry go out, with FIXED_TIMEOUT.
/// </summary>
public sealed class FixedTimeoutRequestTests
{
    private static Dictionary<ushort, byte[]> Attributes(in ConntrackRecord record, in ConnectionChange change)
    {
        var buffer = new byte[ConntrackRequests.MaxChangeRequestLength];
        int length = ConntrackRequests.BuildChange(buffer, record, change, 1);
        var attributes = new Dictionary<ushort, byte[]>();
        var reader = new NetlinkAttributeReader(buffer.AsSpan(Netlink.HeaderLength + Netlink.NfgenHeaderLength, length - Netlink.HeaderLength - Netlink.NfgenHeaderLength));
        while (reader.TryRead(out ushort type, out ReadOnlySpan<byte> payload))
        {
            attributes.Add(type, payload.ToArray());
        }

        Assert.False(reader.Malformed);
        return attributes;
    }

    [Theory]
    [InlineData(0x0000_001Eu, 0x0000_040Eu)] // SEEN_REPLY, ASSURED, CONFIRMED, SRC_NAT: the NAT bit is not sent
    [InlineData(0x0000_0008u, 0x0000_0408u)] // CONFIRMED only (unreplied)
    [InlineData(0x0000_2006u, 0x0000_040Eu)] // HELPER is not sent; CONFIRMED always is
    public void FixedTimeout_CarriesTheComparedBitsAndFixedTimeout(uint entryStatus, uint sent)
    {
        ConntrackRecord record = Records.Tcp("10.0.0.1", 40000, "10.0.0.2", 443, status: entryStatus);
        Dictionary<ushort, byte[]> attributes = Attributes(record, ConnectionChange.SetTimeout(120, fixedTimeout: true));

        Assert.Equal(120u, BinaryPrimitives.ReadUInt32BigEndian(attributes[Cta.TIMEOUT]));
        Assert.Equal(sent, BinaryPrimitives.ReadUInt32BigEndian(attributes[Cta.STATUS]));
        Assert.True(attributes.ContainsKey(Cta.TUPLE_ORIG));
        Assert.True(attributes.ContainsKey(Cta.ID));
    }

    [Fact]
    public void PlainTimeout_CarriesNoStatus()
    {
        ConntrackRecord record = Records.Tcp("10.0.0.1", 40000, "10.0.0.2", 443);
        Assert.False(Attributes(record, ConnectionChange.SetTimeout(120)).ContainsKey(Cta.STATUS));
    }

    [Fact]
    public void Get_IsTheEntrysTupleAndIdAlone()
    {
        ConntrackRecord record = Records.Tcp("10.0.0.1", 40000, "10.0.0.2", 443);
        var buffer = new byte[ConntrackRequests.MaxChangeRequestLength];
        int length = ConntrackRequests.BuildGet(buffer, record, 7);
        Assert.Equal(Netlink.CtMessage(Netlink.IPCTNL_MSG_CT_GET), BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(4)));
        var reader = new NetlinkAttributeReader(buffer.AsSpan(Netlink.HeaderLength + Netlink.NfgenHeaderLength, length - Netlink.HeaderLength - Netlink.NfgenHeaderLength));
        var types = new List<ushort>();
        while (reader.TryRead(out ushort type, out _))
        {
            types.Add(type);
        }

        Assert.Equal([Cta.TUPLE_ORIG, Cta.ID], types);
    }
}
