using System.Globalization;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>Reads method parameters; every mismatch is a -32602 fault naming the parameter.</summary>
internal static class Arguments
{
    public static XmlRpcFault Bad(string message) => new(XmlRpcFault.BadParameters, $"bad parameters: {message}");

    public static string String(XmlRpcValue value, string name) => value.Kind switch
    {
        XmlRpcKind.String => value.String,
        _ => throw Bad($"{name}: expected a string, got {value.Kind.ToString().ToLowerInvariant()}"),
    };

    /// <summary>An order direction, ASC or DESC in any case: true for DESC.</summary>
    public static bool Descending(XmlRpcValue value, string name)
    {
        string direction = String(value, name);
        return direction.Trim().ToUpperInvariant() switch
        {
            "ASC" => false,
            "DESC" => true,
            _ => throw Bad($"{name}: '{MessageText.Escape(direction)}' is neither ASC nor DESC"),
        };
    }

    public static int NonNegativeInt(XmlRpcValue value, string name)
    {
        long number = value.Kind switch
        {
            XmlRpcKind.Integer => value.Integer,
            XmlRpcKind.String when long.TryParse(value.String.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) => parsed,
            _ => throw Bad($"{name}: expected an integer, got {value}"),
        };
        return number is >= 0 and <= int.MaxValue ? (int)number : throw Bad($"{name}: {number} is out of range (0-{int.MaxValue})");
    }

    /// <summary>
    /// An XML-RPC integer read as unsigned: clients without unsigned types (PHP, Java) send u32
    /// values above 2^31-1 as negative i4, which stand for the same 32 bits. Larger values pass as they are.
    /// </summary>
    public static long Unsigned(long integer) => integer is < 0 and >= int.MinValue ? (uint)(int)integer : integer;

    /// <summary>A u32 (connection id, mark, timeout) as int, i8, a negative i4 holding the same 32 bits, or a decimal string.</summary>
    public static uint UInt32(XmlRpcValue value, string name)
    {
        switch (value.Kind)
        {
            case XmlRpcKind.Integer when Unsigned(value.Integer) is >= 0 and <= uint.MaxValue:
                return (uint)Unsigned(value.Integer);
            case XmlRpcKind.String when Domain.Filtering.NumberText.TryParseUInt32(value.String, out uint parsed):
                return parsed;
            default:
                throw Bad($"{name}: expected an unsigned 32-bit integer, got {(value.Kind == XmlRpcKind.String ? $"'{value.String}'" : value.ToString())}");
        }
    }
}
