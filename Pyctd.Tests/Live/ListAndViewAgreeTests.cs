using System.Text.Json;
using System.Text.RegularExpressions;
using Pyctd.Serve.XmlRpc;
using Pyctd.Tests.Serve;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// One engine: `pyctd list -o json` and view() select, order and write the same rows, field for
/// field, for the same filter and order, on a live table. Only what changes between two reads of
/// the table is left out: the countdown (timeout) and the rates, which only serve measures.
/// </summary>
[Collection(ServedLabCollection.Name)]
public sealed partial class ListAndViewAgreeTests(ServedLab served)
{
    private static readonly HashSet<string> s_changing = ["timeout", "orig_rate", "repl_rate", "rate"];

    [Theory]
    [InlineData("udp", "orig_src", "ASC")]
    [InlineData("tcp", "orig_port_dst", "DESC")]
    [InlineData("icmp", "id", "ASC")]
    public void ListJson_AndView_GiveTheSameRows(string protocol, string order, string direction)
    {
        string[] arguments = ["list", "--netns", served.Lab.Name, "-p", protocol, "--sort", order, "-o", "json", "--limit", "200"];
        ProcessResult list = PyctdProcess.Run(direction == "DESC" ? [.. arguments, "--reverse"] : arguments);
        Assert.True(list.ExitCode == 0, list.Stderr);
        using var json = JsonDocument.Parse(list.Stdout);
        JsonElement[] listed = [.. json.RootElement.EnumerateArray()];
        Assert.NotEmpty(listed);

        string session = Login();
        RawHttp.Response answer = RawHttp.Post(served.Server.Port, RawHttp.Call("view", $"<string>{session}</string>",
            $"<struct><member><name>proto</name><value><string>{protocol}</string></value></member></struct>",
            $"<string>{order}</string>", $"<string>{direction}</string>", "<int>0</int>", "<int>200</int>"));
        XmlRpcValue[] viewed = [.. XmlRpcResponses.ReadBack(answer.Body).Member("connections")!.Items];

        Assert.Equal(listed.Length, viewed.Length);
        for (int i = 0; i < listed.Length; i++)
        {
            var fromList = listed[i].EnumerateObject()
                .Where(static p => !s_changing.Contains(p.Name)).ToDictionary(static p => p.Name, static p => Text(p.Value));
            var fromView = viewed[i].Members
                .Where(static m => !s_changing.Contains(m.Key)).ToDictionary(static m => m.Key, static m => Text(m.Value));
            Assert.Equal(fromList, fromView);
        }
    }

    /// <summary>A value as text, so a JSON number and an XML-RPC int (or the id's string) compare; null and "" are both "no state".</summary>
    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(Text)),
        JsonValueKind.Null => string.Empty,
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };

    /// <summary>
    /// XML-RPC's encodings read back as JSON's numbers: a 32-bit word (mark, ip2long) comes as the
    /// signed int with the same bits (no field is negative), a counter as a double holding a whole number.
    /// </summary>
    private static string Text(XmlRpcValue value) => value.Kind switch
    {
        XmlRpcKind.Array => string.Join(",", value.Items.Select(Text)),
        XmlRpcKind.String => value.String,
        XmlRpcKind.Integer when value.Integer < 0 => unchecked((uint)value.Integer).ToString(System.Globalization.CultureInfo.InvariantCulture),
        XmlRpcKind.Integer => value.Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        XmlRpcKind.Double => value.Double.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private string Login()
    {
        RawHttp.Response response = RawHttp.Post(served.Server.Port, RawHttp.Call("login", "<string>admin</string>", $"<string>{ServerProcess.AdminPassword}</string>"));
        Match session = SessionId().Match(response.Body);
        Assert.True(session.Success, response.Body);
        return session.Groups[1].Value;
    }

    [GeneratedRegex("<string>([0-9a-f]{64})</string>")]
    private static partial Regex SessionId();
}
