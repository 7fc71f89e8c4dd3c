using System.Diagnostics;
using Pyctd.Serve.Auth;

namespace Pyctd.Tests.Serve.Auth;

/// <summary>--auth exec: real programs (small sh scripts) answer, and those that hang are killed.</summary>
public sealed class ExecAuthenticatorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pyctd-exec-").FullName;

    private string Script(string body)
    {
        string path = Path.Combine(_directory, $"check-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Accepts alice with "right", alice's twin "viewer" read-only, everyone else refused.</summary>
    private string Checker() => Script("""
        IFS= read -r user; IFS= read -r password
        [ "$password" = right ] || exit 1
        case "$user" in alice) exit 0 ;; viewer) echo read-only; exit 0 ;; esac
        exit 1
        """);

    [Fact]
    public async Task Check_RightPassword_Accepted()
    {
        using var exec = new ExecAuthenticator(Checker());
        AuthOutcome outcome = await exec.CheckAsync("alice", "right", "127.0.0.1");
        Assert.True(outcome.Accepted);
        Assert.False(outcome.ReadOnly);
    }

    [Fact]
    public async Task Check_WrongPassword_RefusedWithExitStatus()
    {
        using var exec = new ExecAuthenticator(Checker());
        AuthOutcome outcome = await exec.CheckAsync("alice", "wrong", "127.0.0.1");
        Assert.False(outcome.Accepted);
        Assert.Equal("exec: exit status 1", outcome.Detail);
    }

    [Fact]
    public async Task Check_ReadOnlyAnswer_ReadOnlySession()
    {
        using var exec = new ExecAuthenticator(Checker());
        AuthOutcome outcome = await exec.CheckAsync("viewer", "right", "127.0.0.1");
        Assert.True(outcome.Accepted);
        Assert.True(outcome.ReadOnly);
    }

    [Fact]
    public async Task Check_ExitZeroWithOtherOutput_Refused()
    {
        using var exec = new ExecAuthenticator(Script("echo 'ldap: bound'; exit 0"));
        Assert.False((await exec.CheckAsync("alice", "right", "127.0.0.1")).Accepted);
    }

    [Fact]
    public async Task Check_PasswordWithLineBreak_RefusedWithoutRunning()
    {
        string marker = Path.Combine(_directory, "ran");
        using var exec = new ExecAuthenticator(Script($"touch {marker}; exit 0"));
        Assert.False((await exec.CheckAsync("alice", "right\nalice", "127.0.0.1")).Accepted);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Check_EnvironmentEmptyAndPasswordNotInArguments()
    {
        string environ = Path.Combine(_directory, "environ");
        string cmdline = Path.Combine(_directory, "cmdline");
        Environment.SetEnvironmentVariable("PYCTD_TEST_SECRET", "leak");
        try
        {
            using var exec = new ExecAuthenticator(Script($"cat /proc/$$/environ > {environ}; cat /proc/$$/cmdline > {cmdline}; cat >/dev/null; exit 0"));
            Assert.True((await exec.CheckAsync("alice", "pass-in-stdin", "127.0.0.1")).Accepted);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PYCTD_TEST_SECRET", null);
        }

        Assert.Equal(string.Empty, File.ReadAllText(environ));
        Assert.DoesNotContain("pass-in-stdin", File.ReadAllText(cmdline), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_HungScriptWithChild_RefusedAfterTimeoutAndBothKilled()
    {
        string childPid = Path.Combine(_directory, "child");
        using var exec = new ExecAuthenticator(Script($"sleep 60 & echo $! > {childPid}; wait"));
        var clock = Stopwatch.StartNew();
        AuthOutcome outcome = await exec.CheckAsync("alice", "right", "127.0.0.1");
        clock.Stop();

        Assert.False(outcome.Accepted);
        Assert.Contains("killed", outcome.Detail, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, ExecAuthenticator.Timeout - TimeSpan.FromMilliseconds(100), ExecAuthenticator.Timeout + TimeSpan.FromSeconds(3));
        string pid = File.ReadAllText(childPid).Trim();
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal),
            $"the script's child {pid} still runs");
    }

    /// <summary>
    /// A program that leaves a background child holding its stdout (a logger, a cache warmer) is
    /// answered when it exits, with what it wrote: before, the login waited for end of file until
    /// the timeout, and was refused as if the program had hung.
    /// </summary>
    [Fact]
    public async Task Check_ExitedLeavingChildOnStdout_AnsweredByWhatItWrote()
    {
        string childPid = Path.Combine(_directory, "child");
        using var exec = new ExecAuthenticator(Script($"echo read-only; sleep 30 & echo $! > {childPid}; exit 0"));
        try
        {
            AuthOutcome outcome = await exec.CheckAsync("viewer", "right", "127.0.0.1");
            Assert.True(outcome.Accepted, outcome.Detail);
            Assert.True(outcome.ReadOnly);
        }
        finally
        {
            Process.GetProcessById(int.Parse(File.ReadAllText(childPid).Trim(), System.Globalization.CultureInfo.InvariantCulture)).Kill();
        }
    }

    [Fact]
    public async Task Check_MoreThanMaxRunningAtOnce_NeverMoreThanMaxRun()
    {
        string running = Path.Combine(_directory, "running");
        Directory.CreateDirectory(running);
        // Each run leaves a file while it sleeps; the largest count seen while they overlap is the concurrency.
        string script = Script($"touch {running}/$$; ls {running} | wc -l >> {_directory}/seen; sleep 0.5; rm {running}/$$; exit 0");
        using var exec = new ExecAuthenticator(script);
        AuthOutcome[] outcomes = await Task.WhenAll(Enumerable.Range(0, ExecAuthenticator.MaxRunning * 2).Select(_ => exec.CheckAsync("alice", "right", "127.0.0.1")));

        Assert.All(outcomes, static o => Assert.True(o.Accepted));
        int most = File.ReadAllLines(Path.Combine(_directory, "seen")).Max(static l => int.Parse(l.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(most, 1, ExecAuthenticator.MaxRunning);
    }

    [Fact]
    public void Create_NotExecutable_OneLineError()
    {
        string path = Path.Combine(_directory, "plain");
        File.WriteAllText(path, "exit 0\n");
        var error = Assert.Throws<PyctdException>(() => new ExecAuthenticator(path));
        Assert.Contains("not an executable file", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
