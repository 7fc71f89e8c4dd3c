using System.Globalization;

namespace Pyctd.Serve.XmlRpc;

internal enum XmlRpcKind
{
    Nil,
    Integer,
    Boolean,
    String,
    Double,
    DateTime,
    Base64,
    Struct,
    Array,
}

/// <summary>One XML-RPC value, as read from a request or written in a response.</summary>
internal sealed class XmlRpcValue
{
    private XmlRpcValue(XmlRpcKind kind) => Kind = kind;

    public XmlRpcKind Kind { get; }

    public long Integer { get; private init; }

    public bool Boolean { get; private init; }

    public double Double { get; private init; }

    public string String { get; private init; } = string.Empty;

    public DateTime DateTime { get; private init; }

    public byte[] Bytes { get; private init; } = [];

    /// <summary>Members in document order; a repeated name keeps its last value when looked up.</summary>
    public IReadOnlyList<KeyValuePair<string, XmlRpcValue>> Members { get; private init; } = [];

    public IReadOnlyList<XmlRpcValue> Items { get; private init; } = [];

    public static XmlRpcValue Nil { get; } = new(XmlRpcKind.Nil);

    public static XmlRpcValue True { get; } = new(XmlRpcKind.Boolean) { Boolean = true };

    public static XmlRpcValue False { get; } = new(XmlRpcKind.Boolean) { Boolean = false };

    public static XmlRpcValue From(long value) => new(XmlRpcKind.Integer) { Integer = value };

    public static XmlRpcValue From(bool value) => value ? True : False;

    public static XmlRpcValue From(string value) => new(XmlRpcKind.String) { String = value };

    public static XmlRpcValue From(double value) => new(XmlRpcKind.Double) { Double = value };

    public static XmlRpcValue From(DateTime value) => new(XmlRpcKind.DateTime) { DateTime = value };

    public static XmlRpcValue From(byte[] value) => new(XmlRpcKind.Base64) { Bytes = value };

    public static XmlRpcValue Struct(IReadOnlyList<KeyValuePair<string, XmlRpcValue>> members) => new(XmlRpcKind.Struct) { Members = members };

    public static XmlRpcValue Struct(params (string Name, XmlRpcValue Value)[] members) =>
        Struct(members.Select(static m => KeyValuePair.Create(m.Name, m.Value)).ToArray());

    public static XmlRpcValue Array(IReadOnlyList<XmlRpcValue> items) => new(XmlRpcKind.Array) { Items = items };

    public XmlRpcValue? Member(string name)
    {
        for (int i = Members.Count - 1; i >= 0; i--)
        {
            if (Members[i].Key == name)
            {
                return Members[i].Value;
            }
        }

        return null;
    }

    public override string ToString() => Kind switch
    {
        XmlRpcKind.Nil => "nil",
        XmlRpcKind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        XmlRpcKind.Boolean => Boolean ? "true" : "false",
        XmlRpcKind.String => String,
        XmlRpcKind.Double => Double.ToString("R", CultureInfo.InvariantCulture),
        XmlRpcKind.DateTime => DateTime.ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        XmlRpcKind.Base64 => Convert.ToBase64String(Bytes),
        XmlRpcKind.Struct => "struct",
        _ => "array",
    };
}

/// <summary>A parsed methodCall.</summary>
internal sealed record XmlRpcCall(string MethodName, IReadOnlyList<XmlRpcValue> Parameters);

/// <summary>An XML-RPC fault: the request is answered with HTTP 200 and this code and text.</summary>
internal sealed class XmlRpcFault(int code, string message) : Exception(message)
{
    public int Code { get; } = code;

    public const int AuthenticationFailed = 1;
    public const int InvalidSession = 2;
    public const int PermissionDenied = 3;
    public const int NoSuchConnection = 4;
    public const int KernelRefused = 5;
    public const int ParseError = -32700;
    public const int NotXmlRpc = -32600;
    public const int UnknownMethod = -32601;
    public const int BadParameters = -32602;
    public const int Internal = -32603;
}
