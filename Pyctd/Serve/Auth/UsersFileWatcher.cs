using Pyctd.Interop;

namespace Pyctd.Serve.Auth;

/// <summary>
/// Keeps <see cref="FileAuthenticator"/> in step with the users file: its stat is looked at every
/// <see cref="PollInterval"/> (a rename by 'pyctd passwd' changes the inode, an edit in place the
/// change time), so a changed file counts for the next login within two seconds. The sessions of
/// users removed or changed end. A file that no longer parses leaves the previous users in place
/// (an editor may be half-way through); a file that is gone means no users.
/// </summary>
internal sealed class UsersFileWatcher : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly FileAuthenticator _users;
    private readonly SessionStore _sessions;
    private readonly Action<string> _log;
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private FileStamp? _stamp;

    public UsersFileWatcher(FileAuthenticator users, SessionStore sessions, Action<string> log)
    {
        (_users, _sessions, _log) = (users, sessions, log);
        _stamp = FileOwnership.Stamp(users.Path);
        _timer = new Timer(_ => ReloadIfChanged(), null, PollInterval, PollInterval);
    }

    public void ReloadIfChanged()
    {
        lock (_lock)
        {
            FileStamp? stamp = FileOwnership.Stamp(_users.Path);
            if (stamp != _stamp)
            {
                _stamp = stamp;
                Load();
            }
        }
    }

    /// <summary>Reads the file whether or not it changed (SIGHUP).</summary>
    public void Reload()
    {
        lock (_lock)
        {
            _stamp = FileOwnership.Stamp(_users.Path);
            Load();
        }
    }

    private void Load()
    {
        IReadOnlyList<User> next;
        try
        {
            next = FileTypes.MayExist(_users.Path) ? UsersFile.Load(_users.Path, warning => _log($"warning: {warning}")) : [];
        }
        catch (Exception error) when (error is PyctdException or IOException or UnauthorizedAccessException)
        {
            // On a timer's thread: an exception here would end the process.
            _log($"users file not reloaded, the previous {_users.Count} users stay: {error.Message}");
            return;
        }

        IReadOnlyList<string> changed = _users.Replace(next);
        int ended = _sessions.EndSessionsOf(changed);
        _log($"users file {_users.Path} reloaded: {next.Count} users"
            + (changed.Count > 0 ? $"; {changed.Count} removed or changed, {ended} of their sessions ended" : string.Empty));
    }

    public void Dispose() => _timer.Dispose();
}
