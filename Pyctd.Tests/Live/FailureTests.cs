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

    [Fact]
    public void List_ClosedPipe_EndsQuietly()
    {
        ProcessResult result = ProcessRunner.Run("sh", "-c", $"'{Repository.PyctdBinary}' list --netns {_lab.Name} -o conntrack | head -1");
        Assert.Equal(0, result.ExitCode);
        Assert.Single(result.Lines);
        Assert.Empty(result.Stderr);
    }
}
