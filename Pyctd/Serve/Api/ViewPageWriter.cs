using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>Writes view()'s struct: {total, start, length, snapshot, connections: [...]}.</summary>
internal static class ViewPageWriter
{
    public static void Write(IXmlRpcOutput writer, MethodResult.ViewPage page)
    {
        writer.BeginStruct();
        writer.Member("total", page.Page.Total);
        writer.Member("start", page.Page.Start);
        writer.Member("length", page.Page.Count);
        writer.BeginMember("snapshot");
        writer.DateTime(page.Snapshot.TakenAt);
        writer.EndMember();
        writer.BeginMember("connections");
        writer.BeginArray();
        for (int i = 0; i < page.Page.Count; i++)
        {
            ConnectionWriter.Write(writer, page.Snapshot, page.Page.Rows[i]);
        }

        writer.EndArray();
        writer.EndMember();
        writer.EndStruct();
    }

    /// <summary>The same struct as a value, for system.multicall, whose results are not streamed; the page is released.</summary>
    public static XmlRpcValue ToValueAndRelease(MethodResult.ViewPage page)
    {
        try
        {
            var builder = new XmlRpcValueBuilder();
            Write(builder, page);
            return builder.Result;
        }
        finally
        {
            page.Release();
        }
    }
}
