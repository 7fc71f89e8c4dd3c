using Pyctd.Conntrack;

namespace Pyctd.Tests.Conntrack;

/// <summary>
/// The socket filter's shape; what it lets through is tested against the kernel in
/// Live/EventsAgainstConntrackTests. A program the kernel would refuse (a jump past the end) or one
/// that could drop an event it cannot decide is a bug these catch without a kernel.
/// </summary>
public sealed class EventSocketFilterTests
{
    private const ushort Return = 0x06;
    private const ushort JumpIfEqual = 0x15;

    [Fact]
    public void Compile_NoKeys_IsNoProgram() => Assert.Empty(EventSocketFilter.Compile([]));

    [Fact]
    public void Compile_Keys_EveryJumpLandsInsideAndTheEndAccepts()
    {
        var program = EventSocketFilter.Compile(
        [
            new EventFilterKey(EventFilterField.Family, [new EventFilterTerm(2, uint.MaxValue)]),
            new EventFilterKey(EventFilterField.Protocol, [new EventFilterTerm(6, uint.MaxValue), new EventFilterTerm(17, uint.MaxValue)]),
            new EventFilterKey(EventFilterField.OrigSourceIPv4, [new EventFilterTerm(0x7f000000, 0xff000000), new EventFilterTerm(0x0a000001, uint.MaxValue)]),
        ]);

        Assert.NotEmpty(program);
        Assert.Equal((Return, uint.MaxValue), (program[^1].Code, program[^1].K));
        for (int i = 0; i < program.Length; i++)
        {
            if (program[i].Code == JumpIfEqual)
            {
                Assert.InRange(i + 1 + program[i].JumpTrue, 0, program.Length - 1);
                Assert.InRange(i + 1 + program[i].JumpFalse, 0, program.Length - 1);
            }
        }

        // One drop per key, nothing else refuses an event.
        Assert.Equal(3, program.Count(static instruction => instruction.Code == Return && instruction.K == 0));
    }

    [Fact]
    public void Compile_KeyTooLongOrMatchingAll_IsLeftToUserSpace()
    {
        EventFilterTerm[] many = Enumerable.Range(1, EventSocketFilter.MaxTermsPerKey + 1).Select(static p => new EventFilterTerm((uint)p, uint.MaxValue)).ToArray();
        Assert.Empty(EventSocketFilter.Compile([new EventFilterKey(EventFilterField.OrigSourcePort, many)]));
        Assert.Empty(EventSocketFilter.Compile([new EventFilterKey(EventFilterField.OrigSourceIPv4, [new EventFilterTerm(0, 0)])]));
    }
}
