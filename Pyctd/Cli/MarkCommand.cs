using System.CommandLine;
using Pyctd.Conntrack;

namespace Pyctd.Cli;

/// <summary>`pyctd mark`: set the connmark (or some of its bits) of connections.</summary>
internal static class MarkCommand
{
    public static readonly Argument<MarkSpec> Value = new("VALUE[/MASK]")
    {
        Description = "New mark, decimal or 0x hex; with /MASK only the masked bits change: new = (old & ~MASK) | (VALUE & MASK)",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (MarkSpec.TryParse(text, out MarkSpec mark, out string? error))
            {
                return mark;
            }

            result.AddError(ValueParsers.LeadingZeroError(text) ?? error!);
            return default;
        },
    };

    public static Command Create() => ChangeCommand.Create(
        "mark",
        """
        Set the connection mark (connmark) of connections, e.g. for QoS or policy routing.

        Examples:
          pyctd mark 0x10 -s 10.0.0.0/24            # tag a subnet's flows
          pyctd mark 0x100/0xff00 --dport 443 -p tcp # change only bits 8-15
          pyctd mark 0 3735928559                   # clear one connection's mark
        """,
        Value,
        new ChangeCommand.Verb("mark", "marked"),
        static result =>
        {
            MarkSpec mark = result.GetValue(Value);
            return ConnectionChange.SetMark(mark.Value, mark.Mask);
        });
}
