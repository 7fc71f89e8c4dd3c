using Pyctd.Serve.Auth;

namespace Pyctd.Tests.Serve;

/// <summary>The login throttle's policy (docs/decisions.md, "Login throttling"), on a clock the test moves.</summary>
public sealed class LoginThrottleTests
{
    private readonly SteppedClock _clock = new();

    private LoginThrottle Throttle() => new(_clock);

    private static void Fail(LoginThrottle throttle, string user, string address, int times)
    {
        for (int i = 0; i < times; i++)
        {
            Assert.True(throttle.TryAdmit(user, address, out _), $"attempt {i + 1} for {user} from {address} was refused");
        }
    }

    [Fact]
    public void Pair_AfterFiveFailures_WaitsThirtySecondsThenDoubling()
    {
        LoginThrottle throttle = Throttle();
        Fail(throttle, "admin", "10.0.0.1", 5);

        Assert.False(throttle.TryAdmit("admin", "10.0.0.1", out TimeSpan wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);

        _clock.Advance(TimeSpan.FromSeconds(30));
        Fail(throttle, "admin", "10.0.0.1", 1);
        Assert.False(throttle.TryAdmit("admin", "10.0.0.1", out wait));
        Assert.Equal(TimeSpan.FromSeconds(60), wait);

        for (int failures = 7; failures <= 12; failures++)
        {
            _clock.Advance(wait);
            Fail(throttle, "admin", "10.0.0.1", 1);
            Assert.False(throttle.TryAdmit("admin", "10.0.0.1", out wait));
        }

        Assert.Equal(LoginThrottle.LongestWait, wait); // 30 s × 2^7 is beyond the cap
    }

    [Fact]
    public void Pair_Throttled_OtherAddressesOfTheUserAndOtherUsersOfTheAddressAreNot()
    {
        LoginThrottle throttle = Throttle();
        Fail(throttle, "admin", "10.0.0.1", 5);
        Assert.False(throttle.TryAdmit("admin", "10.0.0.1", out _));

        Assert.True(throttle.TryAdmit("admin", "10.0.0.2", out _));
        Assert.True(throttle.TryAdmit("viewer", "10.0.0.1", out _));
    }

    [Fact]
    public void Success_TakesItsFailureBackAndClearsThePair()
    {
        LoginThrottle throttle = Throttle();
        Fail(throttle, "admin", "10.0.0.1", 4);
        Assert.True(throttle.TryAdmit("admin", "10.0.0.1", out _));
        throttle.Succeeded("admin", "10.0.0.1");

        Fail(throttle, "admin", "10.0.0.1", 5);
        Assert.False(throttle.TryAdmit("admin", "10.0.0.1", out _));
    }

    [Fact]
    public void User_FiftyFailuresFromManyAddresses_StopsNewAddressesButNotOnesItLoggedInFrom()
    {
        LoginThrottle throttle = Throttle();
        Assert.True(throttle.TryAdmit("admin", "192.0.2.1", out _));
        throttle.Succeeded("admin", "192.0.2.1"); // the admin's own machine

        for (int address = 1; address <= 10; address++)
        {
            Fail(throttle, "admin", $"10.0.0.{address}", 5);
        }

        Assert.False(throttle.TryAdmit("admin", "10.0.1.1", out TimeSpan wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);
        Assert.True(throttle.TryAdmit("admin", "192.0.2.1", out _));
        Assert.True(throttle.TryAdmit("viewer", "10.0.1.1", out _));
    }

    [Fact]
    public void User_TrustOfAnAddress_EndsAfterADay()
    {
        LoginThrottle throttle = Throttle();
        Assert.True(throttle.TryAdmit("admin", "192.0.2.1", out _));
        throttle.Succeeded("admin", "192.0.2.1");
        _clock.Advance(LoginThrottle.TrustFor + TimeSpan.FromSeconds(1));

        for (int address = 1; address <= 10; address++)
        {
            Fail(throttle, "admin", $"10.0.0.{address}", 5);
        }

        Assert.False(throttle.TryAdmit("admin", "192.0.2.1", out _));
    }

    [Fact]
    public void Address_ThirtyFailuresForManyNames_StopsIt()
    {
        LoginThrottle throttle = Throttle();
        for (int user = 0; user < 30; user++)
        {
            Fail(throttle, $"user{user}", "10.0.0.1", 1);
        }

        Assert.False(throttle.TryAdmit("someone", "10.0.0.1", out _));
        Assert.True(throttle.TryAdmit("someone", "10.0.0.2", out _));
    }

    [Fact]
    public void Failures_AreForgottenAnHourAfterTheLast()
    {
        LoginThrottle throttle = Throttle();
        Fail(throttle, "admin", "10.0.0.1", 5);
        _clock.Advance(LoginThrottle.Forget + TimeSpan.FromSeconds(1));

        Fail(throttle, "admin", "10.0.0.1", 5);
        Assert.False(throttle.TryAdmit("admin", "10.0.0.1", out TimeSpan wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);
    }

    [Fact]
    public void ConcurrentAttempts_AdmitExactlyTheFreeOnes()
    {
        LoginThrottle throttle = Throttle();
        int admitted = 0;
        Parallel.For(0, 200, attempt =>
        {
            if (throttle.TryAdmit("admin", "10.0.0.1", out _))
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(LoginThrottle.FreePerPair, admitted);
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
