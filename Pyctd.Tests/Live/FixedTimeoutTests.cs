using System.Globalization;
using System.Text.Json;
using Pyctd.Conntrack;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// `timeout --fixed` (and the API's change(timeout), which always fixes) against real traffic: a
/// packet after the change must not refresh the timeout, and the kernel refuses later changes.
/// </summary>
public sealed class FixedTimeoutTests : IDisposable
{
    private readonly LabNamespace _lab = new();

    [Fact]
    public void FixedTimeout_PacketAfterTheChange_DoesNotRefreshIt()
    {
        SendUdp(39990);
        Assert.Equal(0, PyctdProcess.Run("timeout", "100", "--fixed", "--netns", _lab.Name, "-p", "udp", "--sport", "39990").ExitCode);

        JsonElement row = ListRow(39990);
        Assert.Contains("FIXED_TIMEOUT", row.GetProperty("status").EnumerateArray().Select(static s => s.GetString()));
        Assert.InRange(row.GetProperty("timeout").GetInt64(), 90, 100);

        SendUdp(39990);
        string line = ConntrackLine(39990);
        Assert.Contains(" packets=2 ", line);      // the packet did reach this entry ...
        Assert.InRange(TimeoutOf(line), 90, 100);  // ... and left its timeout alone
    }

    [Fact]
    public void PlainTimeout_PacketAfterTheChange_RefreshesIt()
    {
        SendUdp(39992);
        Assert.Equal(0, PyctdProcess.Run("timeout", "100", "--netns", _lab.Name, "-p", "udp", "--sport", "39992").ExitCode);
        Assert.InRange(TimeoutOf(ConntrackLine(39992)), 90, 100);

        SendUdp(39992);
        Assert.True(TimeoutOf(ConntrackLine(39992)) > 1000, "the lab's UDP timeout is a day: a packet refreshes a timeout that is not fixed");
    }

    [Fact]
    public void FixedTimeout_LaterChange_IsRefusedWithOneClearLine()
    {
        SendUdp(39994);
        Assert.Equal(0, PyctdProcess.Run("timeout", "100", "--fixed", "--netns", _lab.Name, "-p", "udp", "--sport", "39994").ExitCode);

        ProcessResult again = PyctdProcess.Run("timeout", "50", "--netns", _lab.Name, "-p", "udp", "--sport", "39994");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("timeout is fixed", again.Stderr);
        Assert.InRange(TimeoutOf(ConntrackLine(39994)), 90, 100);
    }

    /// <summary>
    /// The entry got a reply after it was read: the update carries stale status bits and the kernel
    /// answers EBUSY. The changer reads the entry again and retries, and adds no bit of its own.
    /// </summary>
    [Fact]
    public void FixedTimeout_EntryChangedSinceRead_IsRetriedWithItsCurrentBits()
    {
        _lab.Conntrack("-I", "-p", "udp", "-s", "127.0.0.1", "-d", "127.0.0.2", "--sport", "39996", "--dport", "39997", "-u", "SEEN_REPLY", "-t", "3600");
        string line = ConntrackLine(39996);
        ConntrackRecord stale = Records.Flow(IpProtocols.Udp, "127.0.0.1", 39996, "127.0.0.2", 39997, status: ConntrackStatus.Confirmed);
        stale.Id = uint.Parse(_lab.Conntrack("-L", "-o", "id", "-p", "udp", "--sport", "39996").Lines.Single().Split(" id=")[1], CultureInfo.InvariantCulture);

        var results = new ChangeResult[1];
        using (var changer = new ConntrackChanger(_lab.Name))
        {
            changer.Apply([stale], ConnectionChange.SetTimeout(100, fixedTimeout: true), results);
        }

        Assert.Equal(ChangeOutcome.Changed, results[0].Outcome);
        JsonElement row = ListRow(39996);
        string[] status = [.. row.GetProperty("status").EnumerateArray().Select(static s => s.GetString()!)];
        Assert.Equal(["SEEN_REPLY", "CONFIRMED", "FIXED_TIMEOUT"], status);
        Assert.InRange(row.GetProperty("timeout").GetInt64(), 90, 100);
        Assert.DoesNotContain("ASSURED", line);
    }

    private void SendUdp(int sourcePort)
    {
        string send = $"""
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", {sourcePort}))
            s.sendto(b"x", ("127.0.0.1", {sourcePort + 1}))
            """;
        ProcessResult result = _lab.Exec("python3", "-c", send);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    private string ConntrackLine(int sourcePort) =>
        _lab.Conntrack("-L", "-p", "udp", "--sport", sourcePort.ToString(CultureInfo.InvariantCulture)).Lines.Single();

    private static int TimeoutOf(string line) => int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);

    private JsonElement ListRow(int sourcePort)
    {
        ProcessResult list = PyctdProcess.Run("list", "--netns", _lab.Name, "-o", "json", "-p", "udp", "--sport", sourcePort.ToString(CultureInfo.InvariantCulture));
        using var document = JsonDocument.Parse(list.Stdout);
        return document.RootElement.EnumerateArray().Single().Clone();
    }

    public void Dispose() => _lab.Dispose();
}
