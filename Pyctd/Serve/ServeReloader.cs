using Pyctd.Serve.Auth;

namespace Pyctd.Serve;

/// <summary>
/// SIGHUP (`systemctl reload pyctd`): reads the config file again, with the command line still
/// overriding it, and the users file. Reloadable keys take effect at once: read-only (for every
/// session's next kill or change), autorefresh (for new sessions) and session-timeout (for every
/// session). Others need a restart: a change to them is named on stderr and left alone. A config
/// file that no longer parses changes nothing.
/// </summary>
internal sealed class ServeReloader(
    Func<ServeSettings> reread,
    LiveSettings live,
    SessionStore sessions,
    UsersFileWatcher? users,
    Action<TimeSpan> sweepEvery,
    Action<string> log)
{
    private readonly Lock _lock = new();

    public void Reload()
    {
        lock (_lock)
        {
            ServeSettings current = live.Current;
            try
            {
                ServeSettings next = reread();
                string[] needRestart = RestartOnlyChanges(current, next);
                if (needRestart.Length > 0)
                {
                    log($"reload: {string.Join(", ", needRestart)} changed; restart pyctd to apply");
                }

                live.Replace(current with
                {
                    ReadOnly = next.ReadOnly,
                    AutoRefreshSeconds = next.AutoRefreshSeconds,
                    SessionTimeout = next.SessionTimeout,
                });
                sessions.Timeout = next.SessionTimeout;
                if (next.SessionTimeout != current.SessionTimeout)
                {
                    sweepEvery(next.SessionTimeout);
                }

                log($"reload: read-only {(next.ReadOnly ? "true" : "false")}, autorefresh {next.AutoRefreshSeconds}, session-timeout {next.SessionTimeout.TotalSeconds:0}");
            }
            catch (PyctdException error)
            {
                log($"reload: the settings stay as they were: {error.Message}");
            }

            users?.Reload();
        }
    }

    /// <summary>The keys whose new values only a restart applies.</summary>
    private static string[] RestartOnlyChanges(ServeSettings current, ServeSettings next)
    {
        var changed = new List<string>();
        Check(string.Join(' ', current.Listen.Select(static a => a.ToString())) != string.Join(' ', next.Listen.Select(static a => a.ToString())), "listen");
        Check(current.TlsCertificate != next.TlsCertificate, "tls-cert");
        Check(current.TlsKey != next.TlsKey, "tls-key");
        Check(current.Auth != next.Auth || current.AuthTarget != next.AuthTarget, "auth");
        Check(current.UsersPath != next.UsersPath, "users");
        Check(current.MaxRequestBytes != next.MaxRequestBytes, "max-request-size");
        Check(current.MaxConnectionsPerAddress != next.MaxConnectionsPerAddress, "max-connections-per-address");
        Check(current.AllowUnauthenticatedRemote != next.AllowUnauthenticatedRemote, "allow-unauthenticated-remote");
        Check(current.Netns != next.Netns, "netns");
        Check(current.I8 != next.I8, "i8");
        Check(current.Console != next.Console, "console");
        Check(current.Metrics != next.Metrics, "metrics");
        Check(current.MetricsListen?.ToString() != next.MetricsListen?.ToString(), "metrics-listen");
        Check(current.MetricsTop != next.MetricsTop, "metrics-top");
        return [.. changed];

        void Check(bool differs, string key)
        {
            if (differs)
            {
                changed.Add(key);
            }
        }
    }
}
