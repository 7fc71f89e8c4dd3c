using Pyctd.Serve;
using Pyctd.Serve.Auth;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Tests.Serve.Auth;

/// <summary>What a changed users file does to the accounts and sessions of a running serve (the timer is not waited for: the test reloads itself).</summary>
public sealed class UsersFileWatcherTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pyctd-watch-").FullName;
    private readonly List<string> _log = [];

    private string UsersPath => Path.Combine(_directory, "users");

    private static User Account(string name, bool readOnly = false) => new(name, PasswordHash.Create($"{name}-pw", 1000), readOnly, false);

    [Fact]
    public async Task ReloadIfChanged_FileNoLongerParses_PreviousUsersStay()
    {
        UsersFile.Save(UsersPath, [Account("alice")]);
        var users = new FileAuthenticator(UsersFile.Load(UsersPath), UsersPath);
        var sessions = new SessionStore(TimeSpan.FromMinutes(1));
        Session alice = sessions.Create("alice", false, "::1", 1);
        using var watcher = new UsersFileWatcher(users, sessions, _log.Add);

        File.AppendAllText(UsersPath, "half-written-line\n");
        watcher.ReloadIfChanged();

        Assert.True((await users.CheckAsync("alice", "alice-pw", "::1")).Accepted);
        Assert.Same(alice, sessions.Get(alice.Id));
        Assert.Contains(_log, static l => l.StartsWith("users file not reloaded, the previous 1 users stay: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReloadIfChanged_FileGone_NoUsersAndTheirSessionsEnd()
    {
        UsersFile.Save(UsersPath, [Account("alice"), Account("bob")]);
        var users = new FileAuthenticator(UsersFile.Load(UsersPath), UsersPath);
        var sessions = new SessionStore(TimeSpan.FromMinutes(1));
        Session bob = sessions.Create("bob", false, "::1", 1);
        using var watcher = new UsersFileWatcher(users, sessions, _log.Add);

        File.Delete(UsersPath);
        watcher.ReloadIfChanged();

        Assert.Equal(0, users.Count);
        Assert.False((await users.CheckAsync("alice", "alice-pw", "::1")).Accepted);
        Assert.Throws<XmlRpcFault>(() => sessions.Get(bob.Id));
        Assert.Contains($"users file {UsersPath} reloaded: 0 users; 2 removed or changed, 1 of their sessions ended", _log);
    }

    [Fact]
    public void ReloadIfChanged_Unchanged_ReadsNothing()
    {
        UsersFile.Save(UsersPath, [Account("alice")]);
        var users = new FileAuthenticator(UsersFile.Load(UsersPath), UsersPath);
        using var watcher = new UsersFileWatcher(users, new SessionStore(TimeSpan.FromMinutes(1)), _log.Add);

        watcher.ReloadIfChanged();

        Assert.Empty(_log);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
