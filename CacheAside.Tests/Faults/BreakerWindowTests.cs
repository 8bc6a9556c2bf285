using CacheAside.Interception;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CacheAside.Tests.Faults;

/// <summary>
/// The breaker's sampling window, alone with a clock in the test's hands: a success is counted in the slice
/// of the window its command was sent in, and an answer that took a whole window never erases what came since.
/// </summary>
public sealed class BreakerWindowTests
{
    private static readonly Exception s_down = new TimeoutException("Redis did not answer.");

    [Test]
    public void LateSuccess_SentAWindowAgo_DoesNotEraseTheFailuresSince()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var breaker = Breaker(clock);
        var sentLongAgo = clock.GetTimestamp();
        clock.Advance(TimeSpan.FromSeconds(10.2));
        for (var i = 0; i < 3; i++)
        {
            breaker.Failed(probe: false, s_down);
        }

        // Sent ten one-second slices ago: the slice it maps to now holds the three failures.
        breaker.Succeeded(probe: false, sentLongAgo);
        breaker.Failed(probe: false, s_down);

        Assert.That(breaker.IsOpen, Is.True, "four failures and one success in the window reach the ratio");
    }

    [Test]
    public void Successes_KeepTheBreakerClosed_BelowTheRatio()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var breaker = Breaker(clock);
        for (var i = 0; i < 10; i++)
        {
            breaker.Succeeded(probe: false, clock.GetTimestamp());
        }

        for (var i = 0; i < 4; i++)
        {
            breaker.Failed(probe: false, s_down);
        }

        Assert.That(breaker.IsOpen, Is.False, "4 failures in 14 commands is below half");
    }

    private static CircuitBreaker Breaker(FakeTimeProvider clock) => new(
        new CacheAsideOptions
        {
            TimeProvider = clock,
            CircuitBreakerMinimumThroughput = 4,
            CircuitBreakerFailureRatio = 0.5,
            CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(10),
        },
        new CacheAsideTelemetry([], NullLogger.Instance, clock));
}
