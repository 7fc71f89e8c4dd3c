using Pyctd.Serve.Auth;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Cli;

/// <summary>`pyctd passwd` and the start-up checks of `pyctd serve` (no server needs to run).</summary>
public sealed class PasswdAndServeOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pyctd-users-").FullName;

    private string UsersPath => Path.Combine(_directory, "users");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private ProcessResult Passwd(string? stdin, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Repository.PyctdBinary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["passwd", .. arguments, "--users", UsersPath])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            if (stdin is not null)
            {
                process.StandardInput.WriteLine(stdin);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // pyctd refused the arguments and exited before reading its input.
        }

        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout, stderr);
    }

    [Fact]
    public void PasswdAddAndDel_FileGivenToAGroup_KeepsOwnerGroupAndMode()
    {
        Assert.Equal(0, Passwd("correct horse", "add", "alice").ExitCode);
        ProcessRunner.Check("chgrp", "65534", UsersPath);
        ProcessRunner.Check("chmod", "0640", UsersPath);

        Assert.Equal(0, Passwd("battery staple", "add", "bob").ExitCode);
        Assert.Equal("0:65534 640", ProcessRunner.Run("stat", "-c", "%u:%g %a", UsersPath).Stdout.Trim());
        Assert.Equal(0, Passwd(null, "del", "alice").ExitCode);
        Assert.Equal("0:65534 640", ProcessRunner.Run("stat", "-c", "%u:%g %a", UsersPath).Stdout.Trim());
    }

    [Fact]
    public void PasswdAdd_StoresASaltedSlowHashInAPrivateFile()
    {
        Assert.Equal(0, Passwd("correct horse", "add", "alice").ExitCode);
        Assert.Equal(0, Passwd("battery staple", "add", "bob", "--read-only").ExitCode);

        // Only root reads it, or root and serve's group pyctd where that group exists.
        string owner = ProcessRunner.Run("stat", "-c", "%U:%G %a", UsersPath).Stdout.Trim();
        Assert.Equal(ProcessRunner.Run("getent", "group", "pyctd").ExitCode == 0 ? "root:pyctd 640" : "root:root 600", owner);
        string text = File.ReadAllText(UsersPath);
        Assert.DoesNotContain("correct horse", text);
        Assert.Matches(@"alice:rw:pbkdf2-sha256\$\d{6,}\$", text);

        IReadOnlyList<User> users = UsersFile.Load(UsersPath);
        Assert.True(PasswordHash.Verify("correct horse", users.Single(u => u.Name == "alice").Hash));
        Assert.False(PasswordHash.Verify("correct horsE", users.Single(u => u.Name == "alice").Hash));
        Assert.True(users.Single(u => u.Name == "bob").ReadOnly);

        ProcessResult list = Passwd(null, "list");
        Assert.Equal("alice\tread-write\nbob\tread-only\n", list.Stdout);
    }

    [Fact]
    public void PasswdAdd_SameUserAgain_ReplacesThePassword()
    {
        Passwd("first", "add", "alice");
        Passwd("second", "add", "alice");
        User alice = Assert.Single(UsersFile.Load(UsersPath));
        Assert.True(PasswordHash.Verify("second", alice.Hash));
    }

    [Fact]
    public void PasswdDel_RemovesTheUser_AndUnknownUsersAreAnError()
    {
        Passwd("pw", "add", "alice");
        Passwd("pw", "add", "bob");
        Assert.Equal(0, Passwd(null, "del", "alice").ExitCode);
        Assert.Equal(["bob"], UsersFile.Load(UsersPath).Select(static u => u.Name));

        ProcessResult missing = Passwd(null, "del", "carol");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no user 'carol'", missing.Stderr);
    }

    [Theory]
    [InlineData("bad name", "is not a valid user name")]
    [InlineData("a:b", "is not a valid user name")]
    public void PasswdAdd_BadName_ExitsTwo(string name, string expected)
    {
        ProcessResult result = Passwd("pw", "add", name);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.False(File.Exists(UsersPath));
    }

    [Fact]
    public void PasswdAdd_EmptyPassword_ExitsTwoAndWritesNothing()
    {
        ProcessResult result = Passwd(string.Empty, "add", "alice");
        Assert.Equal(2, result.ExitCode);
        Assert.False(File.Exists(UsersPath));
    }

    [Fact]
    public void UsersFile_LegacyShaLines_AreAcceptedWithAWarning()
    {
        // auth_sha.py kept unsalted SHA digests; sha1("secret")
        File.WriteAllText(UsersPath, "old:e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4\n");
        var warnings = new List<string>();
        User old = Assert.Single(UsersFile.Load(UsersPath, warnings.Add));
        Assert.True(old.LegacyHash);
        Assert.True(PasswordHash.Verify("secret", old.Hash));
        Assert.Contains("unsalted SHA hash", Assert.Single(warnings));
    }

    [Theory]
    [InlineData("alice:rw:nothash", ":1: expected NAME:rw|ro:")]
    [InlineData("# comment\n\nalice:xx:pbkdf2-sha256$1000$AAAA$AAAAAAAAAAAAAAAAAAAAAA==", ":3: expected NAME:rw|ro:")]
    [InlineData("bad name:e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4", ":1: 'bad name' is not a valid user name")]
    public void UsersFile_BadLine_IsNamedWithItsNumber(string content, string expected)
    {
        File.WriteAllText(UsersPath, content);
        var error = Assert.Throws<PyctdException>(() => UsersFile.Load(UsersPath));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Serve_AuthNoneOnAPublicAddress_IsRefused()
    {
        ProcessResult result = PyctdProcess.Run("serve", "--auth", "none", "--listen", "0.0.0.0:18471");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("refusing --auth none on 0.0.0.0:18471", result.Stderr);
    }

    [Fact]
    public void Serve_AuthFileWithoutUsersFile_ExitsOne()
    {
        ProcessResult result = PyctdProcess.Run("serve", "--auth", "file", "--users", UsersPath, "--listen", "127.0.0.1:18472");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr);
    }

    [Theory]
    [InlineData("--listen", "localhost:80", "is not an IP address")]
    [InlineData("--listen", "::1:80", "write IPv6 addresses in brackets")]
    [InlineData("--listen", "127.0.0.1:70000", "is not ADDRESS:PORT")]
    [InlineData("--listen", "unix:relative.sock", "needs an absolute path")]
    [InlineData("--auth", "ldap", "is not an auth mode")]
    [InlineData("--auth", "pam:a/b", "'a/b' is not a PAM service name")]
    [InlineData("--auth", "exec:check", "exec: 'check' is not an absolute path")]
    [InlineData("--session-timeout", "0", "is not a positive number")]
    [InlineData("--session-timeout", "010", "a leading zero means octal")]
    [InlineData("--max-connections-per-address", "0", "is not a positive number")]
    public void Serve_BadOption_ExitsTwoNamingIt(string option, string value, string expected)
    {
        string[] arguments = option == "--auth" ? ["serve", option, value] : ["serve", option, value, "--auth", "none"];
        ProcessResult result = PyctdProcess.Run(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
    }

    [Theory]
    [InlineData("lisen = 127.0.0.1:1\n", ":1: unknown key 'lisen'")]
    [InlineData("# comment\n\nsession-timeout = soon\n", ":3: session-timeout: 'soon' is not a whole number")]
    [InlineData("read-only = perhaps\n", ":1: read-only: 'perhaps' is not true or false")]
    [InlineData("listen\n", ":1: expected 'key = value'")]
    [InlineData("auth = none\nauth = file\n", ":2: 'auth' is set twice")]
    [InlineData("# sites\nauth = ldap\n", ":2: auth: 'ldap' is not an auth mode (none, file, pam[:SERVICE] or exec:/PATH)")]
    [InlineData("auth = exec:bin/check\n", ":1: auth: exec: 'bin/check' is not an absolute path")]
    [InlineData("listen = 0.0.0.0:18473\nauth = none\n", "refusing --auth none on 0.0.0.0:18473")]
    [InlineData("listen = localhost:80\n", "listen: 'localhost:80': 'localhost' is not an IP address")]
    [InlineData("netns =\n", ":1: 'netns' has no value")]
    [InlineData("netns =   \t\n", ":1: 'netns' has no value")]
    [InlineData("max-connections-per-address = 0\n", ":1: max-connections-per-address: '0' is not a whole number of at least 1")]
    [InlineData("session-timeout = 010\n", ":1: session-timeout: '010' is not a whole number of at least 1 (no leading zero)")]
    public void Serve_BadConfigFile_ExitsTwoNamingFileAndLine(string content, string expected)
    {
        string path = Path.Combine(_directory, "pyctd.conf");
        File.WriteAllText(path, content);
        ProcessResult result = PyctdProcess.Run("serve", "--config", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Serve_ConfigAuthExecNotExecutable_ExitsOneNamingIt()
    {
        string path = Path.Combine(_directory, "pyctd.conf");
        File.WriteAllText(path, $"auth = exec:{path}\n");
        ProcessResult result = PyctdProcess.Run("serve", "--config", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"pyctd: auth exec:{path}: not an executable file", result.Stderr.Trim());
    }

    [Fact]
    public void Serve_MissingConfigFile_ExitsOne()
    {
        ProcessResult result = PyctdProcess.Run("serve", "--config", Path.Combine(_directory, "nope.conf"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot read", result.Stderr);
    }
}
