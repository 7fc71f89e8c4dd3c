using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve;

/// <summary>
/// One HTTP request, for what must be judged across the calls of a request or after its method
/// has returned:
/// - the sessions it uses: a session is not idle while a request that named it is still being
///   answered (a large view is written after its method returned), and its idle time counts from
///   the end of that request;
/// - its logins: a request checks at most <see cref="LoginsPerRequest"/> password, so a
///   system.multicall of 100 logins costs no more than one login;
/// - its refreshes: only the first refresh() of a request dumps the table; later ones in the same
///   system.multicall answer from that dump, so 100 refreshes cost one dump, not a core for a minute.
/// ServeHost opens one around every request. It flows with the request's ExecutionContext, so the
/// methods reach it without an extra parameter on every call; outside a request there is none.
/// </summary>
internal sealed class RequestScope : IDisposable
{
    public const int LoginsPerRequest = 1;

    private static readonly AsyncLocal<RequestScope?> s_current = new();

    private readonly List<Session> _sessions = [];
    private int _logins;
    private int _refreshes;

    private RequestScope()
    {
    }

    public static RequestScope? Current => s_current.Value;

    public static RequestScope Begin() => s_current.Value = new RequestScope();

    /// <summary>Marks the session in use until this request ends.</summary>
    public void Hold(Session session)
    {
        session.BeginUse();
        lock (_sessions)
        {
            _sessions.Add(session);
        }
    }

    /// <summary>Counts a login against this request's budget; fault 1 once it is spent.</summary>
    public void SpendLogin()
    {
        if (Interlocked.Increment(ref _logins) > LoginsPerRequest)
        {
            throw new XmlRpcFault(XmlRpcFault.AuthenticationFailed, $"at most {LoginsPerRequest} login per request");
        }
    }

    /// <summary>Whether this refresh() may dump the table: the first of the request may, later ones reuse its snapshot.</summary>
    public bool SpendRefresh() => Interlocked.Increment(ref _refreshes) == 1;

    public void Dispose()
    {
        lock (_sessions)
        {
            foreach (Session session in _sessions)
            {
                session.EndUse();
            }

            _sessions.Clear();
        }

        if (s_current.Value == this)
        {
            s_current.Value = null;
        }
    }
}
