using System.Text.RegularExpressions;
using Pyctd.Serve.XmlRpc;
using Pyctd.Tests.Serve;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>group() on a live served lab: its counts are conntrack's, its faults name the parameter.</summary>
[Collection(ServedLabCollection.Name)]
public sealed partial class GroupMethodTests(ServedLab served)
{
    [Fact]
    public void Group_ByProtocol_CountsWhatConntrackLists()
    {
        string session = Login();
        XmlRpcValue groups = Call("group", $"<string>{session}</string>", "<struct></struct>", "<string>proto</string>",
            "<string>connections</string>", "<string>DESC</string>", "<int>0</int>");

        XmlRpcValue[] rows = [.. groups.Items];
        Assert.NotEmpty(rows);
        foreach (XmlRpcValue row in rows)
        {
            string protocol = row.Member("key")!.String;
            int listed = served.Lab.Conntrack("-L", "-p", protocol).Lines.Length;
            Assert.Equal(listed, row.Member("connections")!.Integer);
            Assert.Equal(["key", "connections", "packets", "bytes", "orig_rate", "repl_rate", "rate"], row.Members.Select(static m => m.Key));
        }

        long[] counts = [.. rows.Select(static r => r.Member("connections")!.Integer)];
        Assert.Equal(counts.OrderDescending(), counts);
        Assert.Equal(served.Lab.Count(), counts.Sum());
    }

    [Fact]
    public void Group_FilteredBySourceNetwork_IsLikeViewTotals()
    {
        string session = Login();
        XmlRpcValue groups = Call("group", $"<string>{session}</string>",
            "<struct><member><name>proto</name><value><string>udp</string></value></member></struct>",
            "<string>dst/24</string>", "<string>bytes</string>", "<string>ASC</string>", "<int>2</int>");
        XmlRpcValue[] rows = [.. groups.Items];
        Assert.InRange(rows.Length, 1, 2);
        Assert.EndsWith("/24", rows[0].Member("key")!.String, StringComparison.Ordinal);

        long udp = Call("view", $"<string>{session}</string>",
            "<struct><member><name>proto</name><value><string>udp</string></value></member></struct>",
            "<string>id</string>", "<string>ASC</string>", "<int>0</int>", "<int>1</int>").Member("total")!.Integer;
        long grouped = Call("group", $"<string>{session}</string>",
            "<struct><member><name>proto</name><value><string>udp</string></value></member></struct>", "<string>dst/24</string>")
            .Items.Sum(static r => r.Member("connections")!.Integer);
        Assert.Equal(udp, grouped);
    }

    [Theory]
    [InlineData("<string>host</string>", "key:")]
    [InlineData("<string>src/33,64</string>", "key:")]
    [InlineData("<string>src</string></value></param><param><value><string>speed</string>", "order_by:")]
    [InlineData("<int>5</int>", "key: expected a string")]
    public void Group_BadParameter_IsFault32602NamingIt(string key, string named)
    {
        string session = Login();
        RawHttp.Response response = RawHttp.Post(served.Server.Port, RawHttp.Call("group", $"<string>{session}</string>", "<struct></struct>", key));
        Assert.Contains("<name>faultCode</name><value><int>-32602</int></value>", response.Body);
        Assert.Contains(named, response.Body, StringComparison.Ordinal);
    }

    private XmlRpcValue Call(string method, params string[] parameters)
    {
        RawHttp.Response response = RawHttp.Post(served.Server.Port, RawHttp.Call(method, parameters));
        Assert.DoesNotContain("<fault>", response.Body);
        return XmlRpcResponses.ReadBack(response.Body);
    }

    private string Login()
    {
        RawHttp.Response response = RawHttp.Post(served.Server.Port, RawHttp.Call("login", "<string>admin</string>", $"<string>{ServerProcess.AdminPassword}</string>"));
        Match session = SessionId().Match(response.Body);
        Assert.True(session.Success, response.Body);
        Call("refresh", $"<string>{session.Groups[1].Value}</string>"); // a snapshot of the table as it is now
        return session.Groups[1].Value;
    }

    [GeneratedRegex("<string>([0-9a-f]{64})</string>")]
    private static partial Regex SessionId();
}
