namespace Pyctd.Serve.XmlRpc;

/// <summary>
/// Where a result is written piece by piece: straight onto the wire (<see cref="XmlRpcWriter"/>),
/// or into a value (<see cref="XmlRpcValueBuilder"/>) when it must be held, as inside system.multicall.
/// </summary>
internal interface IXmlRpcOutput
{
    void Integer(long value);

    void Boolean(bool value);

    void String(string value);

    void DateTime(DateTime value);

    void BeginStruct();

    void EndStruct();

    void BeginMember(string name);

    void EndMember();

    void BeginArray();

    void EndArray();
}

internal static class XmlRpcOutputExtensions
{
    public static void Member(this IXmlRpcOutput output, string name, long value)
    {
        output.BeginMember(name);
        output.Integer(value);
        output.EndMember();
    }

    public static void Member(this IXmlRpcOutput output, string name, string value)
    {
        output.BeginMember(name);
        output.String(value);
        output.EndMember();
    }
}

/// <summary>Builds an <see cref="XmlRpcValue"/> from the same calls that would write it.</summary>
internal sealed class XmlRpcValueBuilder : IXmlRpcOutput
{
    private readonly Stack<Container> _open = new();
    private XmlRpcValue? _result;

    public XmlRpcValue Result => _result ?? throw new InvalidOperationException("nothing was built");

    public void Integer(long value) => Add(XmlRpcValue.From(value));

    public void Boolean(bool value) => Add(XmlRpcValue.From(value));

    public void String(string value) => Add(XmlRpcValue.From(value));

    public void DateTime(DateTime value) => Add(XmlRpcValue.From(value));

    public void BeginStruct() => _open.Push(new Container(isStruct: true));

    public void EndStruct() => Add(XmlRpcValue.Struct(_open.Pop().Members));

    public void BeginMember(string name) => _open.Peek().PendingName = name;

    public void EndMember()
    {
    }

    public void BeginArray() => _open.Push(new Container(isStruct: false));

    public void EndArray() => Add(XmlRpcValue.Array(_open.Pop().Items));

    private void Add(XmlRpcValue value)
    {
        if (_open.Count == 0)
        {
            _result = value;
            return;
        }

        Container container = _open.Peek();
        if (container.IsStruct)
        {
            container.Members.Add(KeyValuePair.Create(container.PendingName ?? string.Empty, value));
            container.PendingName = null;
        }
        else
        {
            container.Items.Add(value);
        }
    }

    private sealed class Container(bool isStruct)
    {
        public bool IsStruct { get; } = isStruct;

        public string? PendingName { get; set; }

        public List<KeyValuePair<string, XmlRpcValue>> Members { get; } = [];

        public List<XmlRpcValue> Items { get; } = [];
    }
}
