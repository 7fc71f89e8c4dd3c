using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>What a method returns: a ready value, or a view page that is streamed as it is written.</summary>
internal abstract record MethodResult
{
    public sealed record Value(XmlRpcValue Result) : MethodResult;

    /// <summary>view()'s struct; <see cref="Rows"/> index the snapshot, already filtered, ordered and paged.</summary>
    public sealed record ViewPage(Snapshot Snapshot, int Total, int Start, ArraySegment<int> Rows) : MethodResult;

    public static MethodResult Of(XmlRpcValue value) => new Value(value);

    public static readonly MethodResult True = new Value(XmlRpcValue.True);
}
