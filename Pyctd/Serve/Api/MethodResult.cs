using Pyctd.Domain.Fields;
using Pyctd.Domain.Query;
using Pyctd.Serve.Snapshots;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>
/// What a method returns: a ready value, a view page that is streamed as it is written, or
/// system.multicall's calls, run one by one as the answer is written.
/// </summary>
internal abstract record MethodResult
{
    public sealed record Value(XmlRpcValue Result) : MethodResult;

    /// <summary>
    /// view()'s struct: the page's rows index the snapshot, already filtered, ordered and paged. It
    /// holds a lease on the snapshot and a pooled index array until <see cref="Release"/>, which
    /// whoever writes it calls once written.
    /// </summary>
    /// <param name="Fields">The members each row carries: those view()'s 7th parameter named; null for all.</param>
    public sealed record ViewPage(Snapshot Snapshot, QueryPage Page, ConntrackField[]? Fields) : MethodResult
    {
        public void Release()
        {
            Page.Dispose();
            Snapshot.Release();
        }
    }

    /// <summary>
    /// group()'s array: the groups in <paramref name="Ranked"/> order, written row by row through the
    /// same field writer as view()'s rows. Holds no snapshot: the groups are already added up.
    /// </summary>
    public sealed record GroupList(GroupAccumulator Groups, int[] Ranked) : MethodResult;

    /// <summary>
    /// system.multicall: <see cref="Invoke"/> runs one entry ({methodName, params}) or throws its
    /// fault. The writer calls it for each entry just before writing that entry's result, so a
    /// request never holds more than one call's result (one view page's selection) at a time.
    /// </summary>
    public sealed record Multicall(IReadOnlyList<XmlRpcValue> Calls, Func<XmlRpcValue, ValueTask<MethodResult>> Invoke) : MethodResult;

    public static MethodResult Of(XmlRpcValue value) => new Value(value);

    public static readonly MethodResult True = new Value(XmlRpcValue.True);
}
