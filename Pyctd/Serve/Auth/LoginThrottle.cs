using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pyctd.Serve.Auth;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failed logins within
/// <see cref="Window"/> for one user name, or from one client address, further attempts for it
/// are refused until the window has passed.
/// </summary>
internal sealed class LoginThrottle
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Failures> _failures = new();

    public bool IsBlocked(string user, string address) => Blocked("u:" + user) || Blocked("a:" + address);

    public void RecordFailure(string user, string address)
    {
        Record("u:" + user);
        Record("a:" + address);
        if (_failures.Count > 10_000)
        {
            Prune();
        }
    }

    public void RecordSuccess(string user) => _failures.TryRemove("u:" + user, out _);

    private bool Blocked(string key) =>
        _failures.TryGetValue(key, out Failures? failures) && failures.CountWithin(Window) >= MaxFailures;

    private void Record(string key) => _failures.GetOrAdd(key, static _ => new Failures()).Add();

    private void Prune()
    {
        foreach (var (key, failures) in _failures)
        {
            if (failures.CountWithin(Window) == 0)
            {
                _failures.TryRemove(key, out _);
            }
        }
    }

    private sealed class Failures
    {
        private readonly Queue<long> _times = new();

        public void Add()
        {
            lock (_times)
            {
                _times.Enqueue(Stopwatch.GetTimestamp());
                while (_times.Count > MaxFailures * 2)
                {
                    _times.Dequeue();
                }
            }
        }

        public int CountWithin(TimeSpan window)
        {
            lock (_times)
            {
                while (_times.Count > 0 && Stopwatch.GetElapsedTime(_times.Peek()) > window)
                {
                    _times.Dequeue();
                }

                return _times.Count;
            }
        }
    }
}
