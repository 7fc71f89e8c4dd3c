using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>The server driven by Python's standard xmlrpc.client, every change checked against conntrack -L.</summary>
[Collection(ServedLabCollection.Name)]
public sealed class ServeWithPythonClientTests(ServedLab served)
{
    [Fact]
    public void PythonXmlRpcClient_EveryMethodAndFault_BehavesAsDocumented()
    {
        var environment = new Dictionary<string, string>
        {
            ["PYCTD_URL"] = served.Server.Url,
            ["PYCTD_NETNS"] = served.Lab.Name,
            ["PYCTD_ADMIN_PASSWORD"] = ServerProcess.AdminPassword,
            ["PYCTD_VIEWER_PASSWORD"] = ServerProcess.ViewerPassword,
        };
        string script = Path.Combine(Repository.Root, "Pyctd.Tests", "Live", "Python", "test_xmlrpc_client.py");
        ProcessResult result = ProcessRunner.Run("python3", [script], environment, TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, $"python xmlrpc.client tests failed:\n{result.Stderr}\n{result.Stdout}");
        Assert.Contains("OK", result.Stderr);
        Assert.False(served.Server.HasExited);
    }

    [Fact]
    public void Audit_FailedLoginsKillsAndChanges_AreLogged()
    {
        // The Python run above and this one share the server; make our own events to look for.
        var environment = new Dictionary<string, string> { ["URL"] = served.Server.Url };
        ProcessResult result = ProcessRunner.Run("python3", ["-c", """
            import os, xmlrpc.client
            s = xmlrpc.client.ServerProxy(os.environ["URL"])
            try:
                s.login("mallory", "guess")
            except xmlrpc.client.Fault:
                pass
            """], environment);
        Assert.Equal(0, result.ExitCode);
        Thread.Sleep(200);
        Assert.Contains(served.Server.LogLines(), static line => line.Contains("audit: login failed user=\"mallory\" from=127.0.0.1", StringComparison.Ordinal));
    }
}
