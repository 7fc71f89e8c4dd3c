namespace Pyctd.Serve.Auth;

/// <summary>
/// Slows password guessing without handing the guesser a way to lock others out
/// (docs/decisions.md, "Login throttling"). Three counts of failed logins, each with
/// <see cref="FirstWait"/> after its free failures, doubling with every further failure up to
/// <see cref="LongestWait"/>, measured from the last failure:
/// - per user name and client address: <see cref="FreePerPair"/> free failures;
/// - per user name, from any address: <see cref="FreePerUser"/>, and addresses from which that user
///   logged in within <see cref="TrustFor"/> are exempt, so a crowd of guessers cannot keep the
///   real user out;
/// - per client address, for any names: <see cref="FreePerAddress"/>, since every attempt costs a
///   password hash even for names that are not users.
/// An attempt counts as a failure when it is admitted, before its password is hashed, so that
/// attempts running at the same time cannot all pass one check; a success takes its count back.
/// A count is forgotten <see cref="Forget"/> after its last failure.
/// </summary>
internal sealed class LoginThrottle(TimeProvider? clock = null)
{
    public const int FreePerPair = 5;
    public const int FreePerUser = 50;
    public const int FreePerAddress = 30;
    public static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Forget = TimeSpan.FromHours(1);
    public static readonly TimeSpan TrustFor = TimeSpan.FromDays(1);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly FailureCounts<(string User, string Address)> _pairs = new(FreePerPair);
    private readonly FailureCounts<string> _users = new(FreePerUser);
    private readonly FailureCounts<string> _addresses = new(FreePerAddress);
    private readonly Dictionary<(string User, string Address), long> _lastSuccess = [];

    /// <summary>
    /// Admits an attempt and counts it as failed at once; false, with how long to wait, when a limit
    /// holds. Check and count are one step, under one lock.
    /// </summary>
    public bool TryAdmit(string user, string address, out TimeSpan wait)
    {
        lock (_lock)
        {
            long now = _clock.GetTimestamp();
            Prune(now);
            wait = Longest(
                _pairs.Wait((user, address), now, _clock),
                _addresses.Wait(address, now, _clock),
                IsTrusted(user, address, now) ? TimeSpan.Zero : _users.Wait(user, now, _clock));
            if (wait > TimeSpan.Zero)
            {
                return false;
            }

            _pairs.Add((user, address), now, _clock);
            _users.Add(user, now, _clock);
            _addresses.Add(address, now, _clock);
            return true;
        }
    }

    /// <summary>The admitted attempt was right: its failure is taken back, the pair starts afresh, and the address is trusted for the user.</summary>
    public void Succeeded(string user, string address)
    {
        lock (_lock)
        {
            _pairs.Clear((user, address));
            _users.TakeBack(user);
            _addresses.TakeBack(address);
            _lastSuccess[(user, address)] = _clock.GetTimestamp();
        }
    }

    private bool IsTrusted(string user, string address, long now) =>
        _lastSuccess.TryGetValue((user, address), out long at) && _clock.GetElapsedTime(at, now) <= TrustFor;

    private static TimeSpan Longest(TimeSpan a, TimeSpan b, TimeSpan c) => TimeSpan.FromTicks(Math.Max(a.Ticks, Math.Max(b.Ticks, c.Ticks)));

    /// <summary>Forgotten counts and expired trust go once the tables grow, so many guessers cannot grow memory without end.</summary>
    private void Prune(long now)
    {
        _pairs.PruneIfLarge(now, _clock);
        _users.PruneIfLarge(now, _clock);
        _addresses.PruneIfLarge(now, _clock);
        if (_lastSuccess.Count > FailureCounts<string>.PruneAbove)
        {
            foreach (var (key, at) in _lastSuccess)
            {
                if (_clock.GetElapsedTime(at, now) > TrustFor)
                {
                    _lastSuccess.Remove(key);
                }
            }
        }
    }

    /// <summary>Failures per key: how many, and when the last one was.</summary>
    private sealed class FailureCounts<TKey>(int free)
        where TKey : notnull
    {
        public const int PruneAbove = 10_000;

        private readonly Dictionary<TKey, (int Count, long Last)> _counts = [];
        private int _pruneAt = PruneAbove;

        /// <summary>How long an attempt for this key must still wait: nothing while fewer than the free failures are counted.</summary>
        public TimeSpan Wait(TKey key, long now, TimeProvider clock)
        {
            if (!_counts.TryGetValue(key, out var failures) || failures.Count < free)
            {
                return TimeSpan.Zero;
            }

            TimeSpan since = clock.GetElapsedTime(failures.Last, now);
            if (since > Forget)
            {
                return TimeSpan.Zero;
            }

            // FirstWait × 2^(failures beyond the free ones), capped; the shift is capped first so it cannot overflow.
            int doublings = Math.Min(failures.Count - free, 16);
            var backOff = TimeSpan.FromTicks(Math.Min(FirstWait.Ticks << doublings, LongestWait.Ticks));
            return backOff > since ? backOff - since : TimeSpan.Zero;
        }

        public void Add(TKey key, long now, TimeProvider clock)
        {
            _counts.TryGetValue(key, out var failures);
            int count = failures.Count > 0 && clock.GetElapsedTime(failures.Last, now) > Forget ? 0 : failures.Count;
            _counts[key] = (count + 1, now);
        }

        public void TakeBack(TKey key)
        {
            if (_counts.TryGetValue(key, out var failures))
            {
                _counts[key] = failures with { Count = Math.Max(failures.Count - 1, 0) };
            }
        }

        public void Clear(TKey key) => _counts.Remove(key);

        public void PruneIfLarge(long now, TimeProvider clock)
        {
            if (_counts.Count <= _pruneAt)
            {
                return;
            }

            foreach (var (key, failures) in _counts)
            {
                if (failures.Count == 0 || clock.GetElapsedTime(failures.Last, now) > Forget)
                {
                    _counts.Remove(key);
                }
            }

            // What is still remembered is live; pruning again before the table doubles would cost O(n) per login.
            _pruneAt = Math.Max(PruneAbove, _counts.Count * 2);
        }
    }
}
