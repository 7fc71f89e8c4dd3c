using Pyctd.Domain.Fields;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>Writes view()'s struct: {total, start, length, snapshot, snapshot_epoch, connections: [...]}, streamed.</summary>
internal static class ViewPageWriter
{
    /// <summary>
    /// Writes the page into <paramref name="writer"/>, handing each full chunk to
    /// <paramref name="destination"/>, so memory stays constant whatever the page's size. Stops
    /// (OperationCanceledException) as soon as <paramref name="aborted"/> says the client has gone.
    /// </summary>
    public static async ValueTask WriteAsync(XmlRpcWriter writer, MethodResult.ViewPage page, Stream destination, CancellationToken aborted)
    {
        writer.BeginStruct();
        writer.Member("total"u8, page.Page.Total);
        writer.Member("start"u8, page.Page.Start);
        writer.Member("length"u8, page.Page.Count);
        writer.BeginMember("snapshot"u8);
        writer.DateTime(page.Snapshot.TakenAt);
        writer.EndMember();
        writer.Member("snapshot_epoch"u8, EpochSeconds(page.Snapshot.TakenAt));
        writer.BeginMember("connections"u8);
        writer.BeginArray();
        for (int row = 0; row < page.Page.Count; row++)
        {
            aborted.ThrowIfCancellationRequested();
            writer.BeginStruct();
            ConnectionWriter.Write(ref writer, page.Snapshot, page.Page.Rows[row], page.Fields is null ? FieldCatalog.Written : page.Fields);
            writer.EndStruct();
            if (writer.ChunkFull)
            {
                await writer.FlushAsync(destination, aborted);
            }
        }

        writer.EndArray();
        writer.EndMember();
        writer.EndStruct();
    }

    /// <summary>The snapshot's time as Unix seconds: the dateTime carries no zone (it is UTC), and some clients read it as local time.</summary>
    public static long EpochSeconds(DateTime time) => new DateTimeOffset(time.ToUniversalTime()).ToUnixTimeSeconds();
}
