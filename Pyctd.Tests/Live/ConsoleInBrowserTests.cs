using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// The web console in a real headless Chromium (Debian's chromium, chromium-driver and
/// python3-selenium, installed by scripts/install-deps; nothing is downloaded at test time),
/// against live servers on a lab namespace: Live/Browser/test_console.py. Screenshots go to
/// out/screenshots (or $PYCTD_ARTIFACTS).
/// </summary>
public sealed class ConsoleInBrowserTests
{
    // Debian's interpreter, where python3-selenium is installed; a python3 earlier on PATH (pyenv) lacks it.
    private const string DebianPython = "/usr/bin/python3";

    [Fact]
    public void Console_InHeadlessChromium_BehavesAsTheIssueAsks()
    {
        Assert.True(File.Exists("/usr/bin/chromium") && File.Exists("/usr/bin/chromedriver"),
            "the browser tests need Debian's chromium and chromium-driver: run scripts/install-deps");

        using var lab = new LabNamespace(bulkFlows: 300);
        using var server = new ServerProcess(lab);
        using var anonymous = new ServerProcess(lab, "--auth", "none");
        using var withoutConsole = new ServerProcess(lab, "--no-console");
        string artifacts = Environment.GetEnvironmentVariable("PYCTD_ARTIFACTS") ?? Path.Combine(Repository.Root, "out", "screenshots");
        var environment = new Dictionary<string, string>
        {
            ["PYCTD_CONSOLE_URL"] = BaseUrl(server),
            ["PYCTD_NONE_URL"] = BaseUrl(anonymous),
            ["PYCTD_NOCONSOLE_URL"] = BaseUrl(withoutConsole),
            ["PYCTD_NETNS"] = lab.Name,
            ["PYCTD_ADMIN_PASSWORD"] = ServerProcess.AdminPassword,
            ["PYCTD_VIEWER_PASSWORD"] = ServerProcess.ViewerPassword,
            ["PYCTD_ARTIFACTS"] = artifacts,
            ["HOME"] = Directory.CreateTempSubdirectory("pyctd-chromium-").FullName, // Chromium's profile, not root's
        };
        string script = Path.Combine(Repository.Root, "Pyctd.Tests", "Live", "Browser", "test_console.py");
        ProcessResult result = ProcessRunner.Run(DebianPython, [script], environment, TimeSpan.FromMinutes(5));

        try
        {
            Assert.True(result.ExitCode == 0, $"browser tests failed:\n{result.Stderr}\n{result.Stdout}");
            Assert.Contains("OK", result.Stderr);
            Assert.False(server.HasExited);
        }
        finally
        {
            Directory.Delete(environment["HOME"], recursive: true);
        }
    }

    private static string BaseUrl(ServerProcess server) => $"http://127.0.0.1:{server.Port}/";
}
