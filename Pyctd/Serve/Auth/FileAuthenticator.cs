namespace Pyctd.Serve.Auth;

/// <summary>
/// --auth file: the users file's accounts, replaced whole when the file changes
/// (<see cref="UsersFileWatcher"/>). A name that is no user costs a hash too, so the time of the
/// answer does not tell which names exist.
/// </summary>
internal sealed class FileAuthenticator(IReadOnlyList<User> users, string path) : IAuthenticator
{
    private Dictionary<string, User> _users = ByName(users);

    public string Path { get; } = path;

    public int Count => Volatile.Read(ref _users).Count;

    public string Description => $"file ({Count} users in {Path})";

    public Task<AuthOutcome> CheckAsync(string user, string password, string client)
    {
        Dictionary<string, User> users = Volatile.Read(ref _users);
        bool known = users.TryGetValue(user, out User? account);
        bool verified = PasswordHash.Verify(password, known ? account!.Hash : PasswordHash.Dummy(users.Values));
        return Task.FromResult(known && verified ? new AuthOutcome(true, account!.ReadOnly, string.Empty) : AuthOutcome.Refused());
    }

    /// <summary>Takes the file's new accounts; returns the names that are gone or whose password or rights changed.</summary>
    public IReadOnlyList<string> Replace(IReadOnlyList<User> next)
    {
        Dictionary<string, User> replacement = ByName(next);
        Dictionary<string, User> previous = Interlocked.Exchange(ref _users, replacement);
        return previous.Values
            .Where(old => !replacement.TryGetValue(old.Name, out User? now) || now.Hash != old.Hash || now.ReadOnly != old.ReadOnly)
            .Select(static old => old.Name)
            .ToArray();
    }

    private static Dictionary<string, User> ByName(IReadOnlyList<User> users) => users.ToDictionary(static u => u.Name, StringComparer.Ordinal);
}
