using System.Diagnostics;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>Failures a user meets: one clear line on stderr, a documented exit code, no stack trace.</summary>
[Collection(LiveLabCollection.Name)]
public sealed class FailureTests(SharedLab shared)
{
    private readonly LabNamespace _lab = shared.Lab;

    [Fact]
    public void List_WithoutCapNetAdmin_ExitsFourWithTheCapabilityMessage()
    {
        // Inside the lab namespace, then drop every privilege: the kernel answers EPERM.
        ProcessResult result = _lab.Exec(
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
            Repository.PyctdBinary, "list");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("pyctd: cannot read the conntrack table: needs CAP_NET_ADMIN (run as root)", result.Stderr.Trim());
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void List_MissingLibrary_ExitsThreeAndSaysWhatToInstall()
    {
        var environment = new Dictionary<string, string> { ["PYCTD_LIBNETFILTER_CONNTRACK"] = "/nonexistent/libnetfilter_conntrack.so.3" };
        ProcessResult result = PyctdProcess.Run(environment, "list", "--netns", _lab.Name);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("install libnetfilter-conntrack3 (Debian/Ubuntu) or libnetfilter_conntrack (Fedora/RHEL)", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void List_UnknownNamespace_ExitsOneNamingIt()
    {
        ProcessResult result = PyctdProcess.Run("list", "--netns", "pyctd-no-such-namespace");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("pyctd: no such network namespace: pyctd-no-such-namespace (see 'ip netns list')", result.Stderr.Trim());
    }

    /// <summary>
    /// `pyctd list | head -1`, with pyctd's own exit status (a shell pipeline would report head's):
    /// read one line, close the pipe, and pyctd must stop at its next write with status 0 and
    /// nothing on stderr. The listing is far larger than a pipe holds, so the close is always met.
    /// </summary>
    [Fact]
    public async Task List_ClosedPipe_EndsQuietlyWithStatusZero()
    {
        Assert.True(_lab.Count() >= 10_000, "the lab must be large enough that -o conntrack overflows a pipe (64 KiB)");
        var start = new ProcessStartInfo(Repository.PyctdBinary)
        {
            ArgumentList = { "list", "--netns", _lab.Name, "-o", "conntrack" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var pyctd = Process.Start(start) ?? throw new InvalidOperationException("cannot start pyctd");
        Task<string> stderr = pyctd.StandardError.ReadToEndAsync();
        string? first = await pyctd.StandardOutput.ReadLineAsync();
        pyctd.StandardOutput.Dispose(); // the reader goes away, as head does after one line
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await pyctd.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            pyctd.Kill();
            Assert.Fail("pyctd kept running after its reader went away");
        }

        Assert.Equal(0, pyctd.ExitCode);
        Assert.Equal(string.Empty, await stderr);
        Assert.Matches(@"^[a-z0-9]+ +\d+ \d+ ", first);
    }
}
