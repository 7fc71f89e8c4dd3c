using Pyctd.Domain.Query;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>Writes group()'s array of {key, connections, packets, bytes, orig_rate, repl_rate, rate}, streamed.</summary>
internal static class GroupListWriter
{
    public static async ValueTask WriteAsync(XmlRpcWriter writer, MethodResult.GroupList list, Stream destination, CancellationToken aborted)
    {
        GroupAccumulator groups = list.Groups;
        writer.BeginArray();
        foreach (int index in list.Ranked)
        {
            aborted.ThrowIfCancellationRequested();
            writer.BeginStruct();
            GroupWriting.WriteRow(ref writer, groups.Key, groups.Keys[index], groups.Totals[index]);
            writer.EndStruct();
            if (writer.ChunkFull)
            {
                await writer.FlushAsync(destination, aborted);
            }
        }

        writer.EndArray();
    }
}
