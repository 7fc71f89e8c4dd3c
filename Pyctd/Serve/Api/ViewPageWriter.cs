using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>Writes view()'s struct: {total, start, length, snapshot, connections: [...]}.</summary>
internal static class ViewPageWriter
{
    public static void Write(IXmlRpcOutput writer, MethodResult.ViewPage page)
    {
        writer.BeginStruct();
        writer.Member("total", page.Total);
        writer.Member("start", page.Start);
        writer.Member("length", page.Rows.Count);
        writer.BeginMember("snapshot");
        writer.DateTime(page.Snapshot.TakenAt);
        writer.EndMember();
        writer.BeginMember("connections");
        writer.BeginArray();
        foreach (int index in page.Rows)
        {
            ConnectionWriter.Write(writer, page.Snapshot, index);
        }

        writer.EndArray();
        writer.EndMember();
        writer.EndStruct();
    }

    /// <summary>The same struct as a value, for system.multicall, whose results are not streamed.</summary>
    public static XmlRpcValue ToValue(MethodResult.ViewPage page)
    {
        var builder = new XmlRpcValueBuilder();
        Write(builder, page);
        return builder.Result;
    }
}
