using Libc = Pyctd.Interop.Interop.Libc;

namespace Pyctd.Conntrack;

/// <summary>The parts of an event the socket filter can read: where each sits in the message, and how wide it is.</summary>
internal enum EventFilterField
{
    /// <summary>nfgenmsg.nfgen_family.</summary>
    Family,

    /// <summary>CTA_TUPLE_ORIG / CTA_TUPLE_PROTO / CTA_PROTO_NUM.</summary>
    Protocol,
    OrigSourceIPv4,
    OrigDestinationIPv4,
    ReplySourceIPv4,
    ReplyDestinationIPv4,
    OrigSourcePort,
    OrigDestinationPort,
}

/// <summary>One value a field may take: it matches when (field AND <see cref="Mask"/>) equals <see cref="Value"/>.</summary>
internal readonly record struct EventFilterTerm(uint Value, uint Mask);

/// <summary>A key of the kernel-side event filter: the event passes when the field matches any term.</summary>
internal sealed record EventFilterKey(EventFilterField Field, EventFilterTerm[] AnyOf);

/// <summary>
/// Compiles event filter keys into a classic BPF program for SO_ATTACH_FILTER on the event socket,
/// so the kernel drops unwanted events before they take room in the receive buffer. Each multicast
/// event is one netlink message in its own skb, and the program reads it with the kernel's netlink
/// helpers (SKF_AD_NLATTR, SKF_AD_NLATTR_NEST), which find an attribute by type as the kernel laid
/// the message out. The filter only ever drops what cannot match: a message that is not a conntrack
/// event, or whose attribute is missing, skips the key and goes on to user space, which checks
/// every key again.
/// </summary>
internal static class EventSocketFilter
{
    /// <summary>Conditional jumps reach 255 instructions; a key with more terms is left to user space.</summary>
    public const int MaxTermsPerKey = 60;

    private const ushort LdW = 0x20;      // BPF_LD | BPF_W | BPF_ABS
    private const ushort LdB = 0x30;      // BPF_LD | BPF_B | BPF_ABS
    private const ushort LdImm = 0x00;    // BPF_LD | BPF_IMM
    private const ushort LdxImm = 0x01;   // BPF_LDX | BPF_IMM
    private const ushort LdIndW = 0x40;   // BPF_LD | BPF_W | BPF_IND
    private const ushort LdIndH = 0x48;   // BPF_LD | BPF_H | BPF_IND
    private const ushort LdIndB = 0x50;   // BPF_LD | BPF_B | BPF_IND
    private const ushort AndK = 0x54;     // BPF_ALU | BPF_AND | BPF_K
    private const ushort JeqK = 0x15;     // BPF_JMP | BPF_JEQ | BPF_K
    private const ushort Tax = 0x07;      // BPF_MISC | BPF_TAX
    private const ushort RetK = 0x06;     // BPF_RET | BPF_K

    private const uint AncillaryBase = 0xfffff000; // SKF_AD_OFF (-0x1000)
    private const uint NlAttr = AncillaryBase + 12;     // SKF_AD_NLATTR: A = offset of attribute X from A, or 0
    private const uint NlAttrNest = AncillaryBase + 16; // SKF_AD_NLATTR_NEST: A = offset of attribute X inside the nest at A, or 0

    /// <summary>Where the attributes start: struct nlmsghdr, then struct nfgenmsg.</summary>
    private const uint AttributesOffset = Netlink.HeaderLength + Netlink.NfgenHeaderLength;

    /// <summary>nlmsg_type is host order (little-endian here): its high byte, the subsystem, is the second.</summary>
    private const uint SubsystemOffset = 5;

    private const uint Accept = uint.MaxValue;
    private const uint Drop = 0;

    /// <summary>The program, or an empty array when no key can be decided in the kernel.</summary>
    public static Libc.SockFilter[] Compile(IEnumerable<EventFilterKey> keys)
    {
        var program = new List<Libc.SockFilter>();
        foreach (EventFilterKey key in keys)
        {
            if (key.AnyOf.Length is > 0 and <= MaxTermsPerKey && !key.AnyOf.Any(static t => t.Mask == 0))
            {
                AppendKey(program, key);
            }
        }

        if (program.Count == 0)
        {
            return [];
        }

        // Anything that is not a conntrack event (an error, another subsystem) passes untouched.
        Libc.SockFilter[] prologue =
        [
            Statement(LdB, SubsystemOffset),
            Jump(JeqK, Netlink.NFNL_SUBSYS_CTNETLINK, 1, 0),
            Statement(RetK, Accept),
        ];
        return [.. prologue, .. program, Statement(RetK, Accept)];
    }

    /// <summary>
    /// One key: locate the field (every miss jumps past the key), compare it with each term (a hit
    /// jumps past the key), and drop the event when none matched.
    /// </summary>
    private static void AppendKey(List<Libc.SockFilter> program, EventFilterKey key)
    {
        var block = new List<(Libc.SockFilter Instruction, bool JumpsPastKey)>();
        switch (key.Field)
        {
            case EventFilterField.Family:
                AppendTerms(block, key.AnyOf, Statement(LdB, Netlink.HeaderLength));
                break;
            case EventFilterField.Protocol:
                AppendLocate(block, Cta.TUPLE_ORIG, Cta.TUPLE_PROTO, Cta.PROTO_NUM);
                AppendTerms(block, key.AnyOf, Statement(LdIndB, Netlink.AttributeHeaderLength));
                break;
            case EventFilterField.OrigSourcePort or EventFilterField.OrigDestinationPort:
                AppendLocate(block, Cta.TUPLE_ORIG, Cta.TUPLE_PROTO, key.Field == EventFilterField.OrigSourcePort ? Cta.PROTO_SRC_PORT : Cta.PROTO_DST_PORT);
                AppendTerms(block, key.AnyOf, Statement(LdIndH, Netlink.AttributeHeaderLength));
                break;
            default:
                (ushort tuple, ushort address) = key.Field switch
                {
                    EventFilterField.OrigSourceIPv4 => (Cta.TUPLE_ORIG, Cta.IP_V4_SRC),
                    EventFilterField.OrigDestinationIPv4 => (Cta.TUPLE_ORIG, Cta.IP_V4_DST),
                    EventFilterField.ReplySourceIPv4 => (Cta.TUPLE_REPLY, Cta.IP_V4_SRC),
                    _ => (Cta.TUPLE_REPLY, Cta.IP_V4_DST),
                };
                AppendLocate(block, tuple, Cta.TUPLE_IP, address);

                // BPF loads are big-endian, as the address is: 127.0.0.1 reads as 0x7f000001.
                AppendTerms(block, key.AnyOf, Statement(LdIndW, Netlink.AttributeHeaderLength));
                break;
        }

        block.Add((Statement(RetK, Drop), false));

        // Resolve "past the key" into relative offsets: the instruction right after the block.
        for (int i = 0; i < block.Count; i++)
        {
            (Libc.SockFilter instruction, bool pastKey) = block[i];
            if (pastKey)
            {
                instruction.JumpTrue = checked((byte)(block.Count - i - 1));
            }

            program.Add(instruction);
        }
    }

    /// <summary>Leaves in X the offset of the innermost attribute; a missing one (A = 0) skips the key.</summary>
    private static void AppendLocate(List<(Libc.SockFilter, bool)> block, ushort outer, ushort nest, ushort inner)
    {
        block.Add((Statement(LdImm, AttributesOffset), false));
        block.Add((Statement(LdxImm, outer), false));
        block.Add((Statement(LdW, NlAttr), false));
        block.Add((MissSkips(), true));
        block.Add((Statement(LdxImm, nest), false));
        block.Add((Statement(LdW, NlAttrNest), false));
        block.Add((MissSkips(), true));
        block.Add((Statement(LdxImm, inner), false));
        block.Add((Statement(LdW, NlAttrNest), false));
        block.Add((MissSkips(), true));
        block.Add((Statement(Tax, 0), false));
    }

    /// <summary>Each term: load the value (again only after a mask changed A), mask it, compare; a hit skips the rest of the key.</summary>
    private static void AppendTerms(List<(Libc.SockFilter, bool)> block, EventFilterTerm[] terms, Libc.SockFilter load)
    {
        bool loaded = false;
        foreach (EventFilterTerm term in terms)
        {
            if (!loaded)
            {
                block.Add((load, false));
            }

            if (term.Mask != uint.MaxValue)
            {
                block.Add((Statement(AndK, term.Mask), false));
            }

            block.Add((Jump(JeqK, term.Value & term.Mask, 1, 0), true));
            loaded = term.Mask == uint.MaxValue;
        }
    }

    /// <summary>A == 0: the attribute is not there; jump past the key (the distance is filled in once the key is laid out).</summary>
    private static Libc.SockFilter MissSkips() => Jump(JeqK, 0, 1, 0);

    private static Libc.SockFilter Statement(ushort code, uint k) => new() { Code = code, K = k };

    private static Libc.SockFilter Jump(ushort code, uint k, byte jumpTrue, byte jumpFalse) =>
        new() { Code = code, K = k, JumpTrue = jumpTrue, JumpFalse = jumpFalse };
}
