using System.Globalization;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// One clock: the waits a call makes for Redis run on the configured <see cref="TimeProvider"/> in every mode, so a
/// synchronous caller and an asynchronous one time out at the same moment of it. Each test has a Redis server of its
/// own and a clock that moves only when the test moves it.
/// </summary>
public sealed class ConfiguredClockTests
{
    [Test]
    public void TheRedisBudget_RunsOnTheConfiguredClock([Values] ReadShape shape)
    {
        using var server = RedisServer.Start();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = new RowSource();
        source.Commit(1, "v1");
        var budget = TimeSpan.FromSeconds(30);
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o =>
        {
            o.TimeProvider = time;
            o.RedisTimeout = budget;
        });
        harness.Service.Read(shape, 2).GetAwaiter().GetResult();
        server.Pause();
        try
        {
            var call = shape.Start(() => harness.Service.Read(shape, 1));

            // The GET is sent and waits for the paused server, on a clock that stands still; then a whole budget passes
            // on the clock every few milliseconds (whenever, on a busy machine, the GET was sent).
            Thread.Sleep(TimeSpan.FromMilliseconds(500));
            var answered = Eventually.True(
                () =>
                {
                    time.Advance(budget);
                    return call.IsCompleted;
                },
                TimeSpan.FromSeconds(10));

            Assert.That(answered, Is.True, "the caller waited out the budget in real time, not on the configured clock, where it had passed");
            Assert.That(call.Result, Is.EqualTo("v1"));
            Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Bypass));
        }
        finally
        {
            server.Resume();
        }
    }

    [Test]
    public void TheWaitForAnotherLoader_RunsOnTheConfiguredClock([Values] ReadShape shape)
    {
        using var server = RedisServer.Start();
        using var admin = ConnectionMultiplexer.Connect(server.Endpoint + ",allowAdmin=true");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = new RowSource();
        source.Commit(1, "v1");
        var waitTimeout = TimeSpan.FromSeconds(3);
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o =>
        {
            o.TimeProvider = time;
            o.LeaseWaitTimeout = waitTimeout;
        });

        // Another process holds the lease, loading for a long time; no notification of its store will come.
        var lease = harness.Key("row:1") + ":lease";
        admin.GetDatabase().HashSet(lease, "t", "00000000deadbeef");
        admin.GetDatabase().KeyExpire(lease, TimeSpan.FromMinutes(1));
        var before = LeaseSteps(admin, server);

        var call = shape.Start(() => harness.Service.Read(shape, 1));
        Assert.That(Eventually.True(() => LeaseSteps(admin, server) > before), Is.True, "the caller found the lease held");

        // A caller that finds the lease held looks at it again every 250 ms at most; on this clock, none have passed.
        Thread.Sleep(TimeSpan.FromMilliseconds(1200));
        var steps = LeaseSteps(admin, server) - before;
        var waiting = !call.IsCompleted;
        time.Advance(waitTimeout + TimeSpan.FromSeconds(1));

        Assert.That(steps, Is.EqualTo(1), "the caller looked at the lease again on real time, while the configured clock stood still");
        Assert.That(waiting, Is.True);
        Assert.That(call.Wait(TimeSpan.FromSeconds(10)), Is.True, "once the wait timeout passed on the clock, the caller loaded by itself");
        Assert.That(call.Result, Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.LeaseWaitTimedOut), Is.True);
    }

    /// <summary>How many scripts the server has run (the lease steps, here), from its command statistics.</summary>
    private static long LeaseSteps(ConnectionMultiplexer admin, RedisServer server) =>
        admin.GetServer(server.Endpoint).Info("commandstats")
            .SelectMany(group => group)
            .Where(pair => pair.Key is "cmdstat_eval" or "cmdstat_evalsha")
            .Sum(pair => long.Parse(pair.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));
}
