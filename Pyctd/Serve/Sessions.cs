using System.Collections.Concurrent;
using Pyctd.Serve.Snapshots;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve;

/// <summary>A logged-in client. The original's API passes its id as every call's first argument.</summary>
internal sealed class Session(string id, string user, bool readOnly, string address, int autoRefresh, TimeProvider clock)
{
    private long _lastUsed = clock.GetTimestamp();
    private int _requestsInFlight;

    public string Id { get; } = id;

    public string User { get; } = user;

    public bool ReadOnly { get; } = readOnly;

    public string Address { get; } = address;

    /// <summary>0: keep <see cref="Pinned"/> until refresh (stable paging); N: views use a snapshot at most N seconds old.</summary>
    public int AutoRefresh { get; set; } = autoRefresh;

    /// <summary>The snapshot this session pages through while <see cref="AutoRefresh"/> is 0; the session holds a lease on it.</summary>
    public Snapshot? Pinned => Volatile.Read(ref _pinned);

    /// <summary>Pins a snapshot the caller has acquired (its lease passes to the session), or unpins with null.</summary>
    public void Pin(Snapshot? leased)
    {
        Snapshot? previous = Interlocked.Exchange(ref _pinned, leased);
        previous?.Release();
    }

    private Snapshot? _pinned;

    /// <summary>When a request that named this session last ended (or began, for one without a <see cref="RequestScope"/>).</summary>
    public long LastUsed => Interlocked.Read(ref _lastUsed);

    public bool InUse => Volatile.Read(ref _requestsInFlight) > 0;

    /// <summary>Zero while a request that named the session is being answered; from its end after that.</summary>
    public TimeSpan Idle => InUse ? TimeSpan.Zero : clock.GetElapsedTime(LastUsed);

    public void Touch() => Interlocked.Exchange(ref _lastUsed, clock.GetTimestamp());

    public void BeginUse()
    {
        Interlocked.Increment(ref _requestsInFlight);
        Touch();
    }

    public void EndUse()
    {
        // Touch first: there is no moment when the session is out of use with the old time.
        Touch();
        Interlocked.Decrement(ref _requestsInFlight);
    }

    private long _lastViewed;

    /// <summary>Whether the session called view() within <paramref name="window"/>: only viewers keep the background refresher busy.</summary>
    public bool ViewedWithin(TimeSpan window) =>
        Interlocked.Read(ref _lastViewed) is long viewed and not 0 && clock.GetElapsedTime(viewed) <= window;

    public void MarkViewed() => Interlocked.Exchange(ref _lastViewed, clock.GetTimestamp());
}

/// <summary>
/// Sessions by id; each expires after <see cref="Timeout"/> without a request. At most
/// <c>maxSessions</c> live at once: a login beyond that ends the least recently used session of the
/// same user (under --auth none, of the anonymous user), or else of the user who holds the most
/// sessions, so that one client logging in again and again cannot lock the others out.
/// </summary>
internal sealed class SessionStore(TimeSpan timeout, int maxSessions = SessionStore.DefaultMaxSessions, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public const int DefaultMaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _creating = new();

    /// <summary>Set anew when a reload (SIGHUP) changes session-timeout; it applies to every session from then on.</summary>
    public TimeSpan Timeout { get; set; } = timeout;

    public int Count => _sessions.Count;

    public Session Create(string user, bool readOnly, string address, int autoRefresh)
    {
        // 256 random bits, hex: unguessable, and safe in any client's string type.
        Span<byte> random = stackalloc byte[32];
        Interop.KernelRandom.Fill(random);
        string id = Convert.ToHexStringLower(random);
        var session = new Session(id, user, readOnly, address, autoRefresh, _clock);

        // One login at a time past this point, so that two at the cap neither both evict nor both overshoot.
        lock (_creating)
        {
            Sweep();
            if (_sessions.Count >= maxSessions)
            {
                Session victim = LeastRecentlyUsedOf(user) ?? LeastRecentlyUsedOfTheBusiestUser()
                    ?? throw new XmlRpcFault(XmlRpcFault.AuthenticationFailed, "too many open sessions, all in use; try again later");
                Forget(victim.Id);
            }

            _sessions[id] = session;
        }

        return session;
    }

    /// <summary>The live session with this id, held until the current request ends; fault 2 when it does not exist or has expired.</summary>
    public Session Get(string id)
    {
        if (_sessions.TryGetValue(id, out Session? session))
        {
            if (session.Idle <= Timeout)
            {
                if (RequestScope.Current is RequestScope request)
                {
                    request.Hold(session);
                }
                else
                {
                    session.Touch();
                }

                return session;
            }

            Forget(id);
        }

        throw new XmlRpcFault(XmlRpcFault.InvalidSession, "invalid or expired session; call login again");
    }

    public bool Remove(string id) => Forget(id);

    /// <summary>Ends every session of these users (removed from the users file, or changed); returns how many.</summary>
    public int EndSessionsOf(IReadOnlyCollection<string> users)
    {
        if (users.Count == 0)
        {
            return 0;
        }

        var names = users.ToHashSet(StringComparer.Ordinal);
        int ended = 0;
        foreach (var (id, session) in _sessions)
        {
            if (names.Contains(session.User) && Forget(id))
            {
                ended++;
            }
        }

        return ended;
    }

    /// <summary>The shortest autorefresh among sessions that view: how fresh the background refresher keeps the snapshot; null when none asks.</summary>
    public double? MinAutoRefresh()
    {
        int min = int.MaxValue;
        foreach (var (_, session) in _sessions)
        {
            if (session.AutoRefresh > 0 && session.ViewedWithin(Timeout))
            {
                min = Math.Min(min, session.AutoRefresh);
            }
        }

        return min == int.MaxValue ? null : min;
    }

    private bool Forget(string id)
    {
        if (!_sessions.TryRemove(id, out Session? session))
        {
            return false;
        }

        session.Pin(null);
        return true;
    }

    public void Sweep()
    {
        foreach (var (id, session) in _sessions)
        {
            if (session.Idle > Timeout)
            {
                Forget(id);
            }
        }
    }

    private Session? LeastRecentlyUsedOf(string user) =>
        _sessions.Values.Where(s => s.User == user && !s.InUse).MinBy(static s => s.LastUsed);

    private Session? LeastRecentlyUsedOfTheBusiestUser()
    {
        string? busiest = _sessions.Values.Where(static s => !s.InUse)
            .CountBy(static s => s.User, StringComparer.Ordinal)
            .OrderByDescending(static pair => pair.Value)
            .Select(static pair => pair.Key)
            .FirstOrDefault();
        return busiest is null ? null : LeastRecentlyUsedOf(busiest);
    }
}
