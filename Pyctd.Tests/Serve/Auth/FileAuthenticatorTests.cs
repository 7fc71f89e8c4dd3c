using Pyctd.Serve;
using Pyctd.Serve.Auth;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Tests.Serve.Auth;

public sealed class FileAuthenticatorTests
{
    private static readonly string s_aliceHash = PasswordHash.Create("alice-pw", 1000);
    private static readonly string s_bobHash = PasswordHash.Create("bob-pw", 1000);

    [Fact]
    public async Task Replace_RemovedAndChangedUsers_NamedAndNoLongerAccepted()
    {
        var users = new FileAuthenticator(
            [new User("alice", s_aliceHash, false, false), new User("bob", s_bobHash, false, false), new User("carol", s_bobHash, false, false)],
            "/nonexistent");
        Assert.True((await users.CheckAsync("bob", "bob-pw", "::1")).Accepted);

        // alice stays as she was; bob is removed; carol only reads now.
        IReadOnlyList<string> changed = users.Replace([new User("alice", s_aliceHash, false, false), new User("carol", s_bobHash, true, false)]);

        Assert.Equal(["bob", "carol"], changed.Order(StringComparer.Ordinal));
        Assert.False((await users.CheckAsync("bob", "bob-pw", "::1")).Accepted);
        Assert.True((await users.CheckAsync("carol", "bob-pw", "::1")).ReadOnly);
        Assert.True((await users.CheckAsync("alice", "alice-pw", "::1")).Accepted);
    }

    [Fact]
    public void EndSessionsOf_Users_EndsTheirsOnly()
    {
        var sessions = new SessionStore(TimeSpan.FromMinutes(1));
        Session bob1 = sessions.Create("bob", false, "::1", 1);
        Session bob2 = sessions.Create("bob", false, "::2", 1);
        Session alice = sessions.Create("alice", false, "::1", 1);

        Assert.Equal(2, sessions.EndSessionsOf(["bob", "nobody"]));

        Assert.Throws<XmlRpcFault>(() => sessions.Get(bob1.Id));
        Assert.Throws<XmlRpcFault>(() => sessions.Get(bob2.Id));
        Assert.Same(alice, sessions.Get(alice.Id));
    }
}
