using Pyctd.Serve;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Tests.Serve;

/// <summary>Session expiry counts from the end of the last request, and the session cap evicts instead of locking logins out.</summary>
public sealed class SessionStoreTests
{
    [Fact]
    public void Create_AtTheCap_EndsTheLeastRecentlyUsedSessionOfTheSameUser()
    {
        var store = new SessionStore(TimeSpan.FromMinutes(1), maxSessions: 4);
        Session oldest = store.Create("flooder", false, "10.0.0.9", 1);
        Session newer = store.Create("flooder", false, "10.0.0.9", 1);
        Session admin = store.Create("admin", false, "10.0.0.1", 1);
        Session viewer = store.Create("viewer", true, "10.0.0.2", 1);
        store.Get(oldest.Id); // used again: now newer is the least recently used

        Session latest = store.Create("flooder", false, "10.0.0.9", 1);

        Assert.Equal(4, store.Count);
        Assert.Throws<XmlRpcFault>(() => store.Get(newer.Id));
        foreach (Session kept in new[] { oldest, admin, viewer, latest })
        {
            Assert.Same(kept, store.Get(kept.Id));
        }
    }

    [Fact]
    public void Create_AtTheCapWithoutOwnSessions_EndsOneOfTheUserWithTheMost()
    {
        var store = new SessionStore(TimeSpan.FromMinutes(1), maxSessions: 4);
        Session viewer = store.Create("viewer", true, "10.0.0.2", 1);
        Session[] flood = [.. Enumerable.Range(0, 3).Select(_ => store.Create("flooder", false, "10.0.0.9", 1))];

        Session admin = store.Create("admin", false, "10.0.0.1", 1);

        Assert.Throws<XmlRpcFault>(() => store.Get(flood[0].Id));
        Assert.Same(viewer, store.Get(viewer.Id));
        Assert.Same(admin, store.Get(admin.Id));
    }

    [Fact]
    public void Create_AtTheCapUnderAuthNone_EndsTheLeastRecentlyUsedAnonymousSession()
    {
        var store = new SessionStore(TimeSpan.FromMinutes(1), maxSessions: 3);
        Session[] sessions = [.. Enumerable.Range(0, 3).Select(_ => store.Create("anonymous", false, "local", 1))];
        store.Get(sessions[0].Id);

        store.Create("anonymous", false, "local", 1);

        Assert.Throws<XmlRpcFault>(() => store.Get(sessions[1].Id));
        Assert.Same(sessions[0], store.Get(sessions[0].Id));
    }

    [Fact]
    public void Get_DuringARequestLongerThanTheTimeout_KeepsTheSessionAndCountsIdleFromTheEnd()
    {
        var timeout = TimeSpan.FromSeconds(10);
        var clock = new ManualClock();
        var store = new SessionStore(timeout, clock: clock);
        Session session = store.Create("admin", false, "10.0.0.1", 1);

        using (RequestScope.Begin())
        {
            store.Get(session.Id);
            clock.Advance(timeout * 2); // a slow view being written
            Assert.Equal(TimeSpan.Zero, session.Idle);
            store.Sweep();
            Assert.Equal(1, store.Count);
        }

        Assert.Equal(TimeSpan.Zero, session.Idle);
        clock.Advance(timeout - TimeSpan.FromSeconds(1));
        Assert.Same(session, store.Get(session.Id));
        clock.Advance(timeout + TimeSpan.FromSeconds(1));
        Assert.Throws<XmlRpcFault>(() => store.Get(session.Id));
    }

    [Fact]
    public void RequestScope_SecondLogin_IsRefused()
    {
        using var request = RequestScope.Begin();
        request.SpendLogin();
        XmlRpcFault fault = Assert.Throws<XmlRpcFault>(request.SpendLogin);
        Assert.Equal(XmlRpcFault.AuthenticationFailed, fault.Code);
    }
}

/// <summary>A clock that moves only when told: session expiry tested without sleeping.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = 1;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
