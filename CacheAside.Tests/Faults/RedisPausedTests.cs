using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Redis stops answering (SIGSTOP) with its connections still open: each call comes back within the
/// implementation's latency plus the time budget, the circuit breaker opens, and closes after SIGCONT.
/// </summary>
public sealed class RedisPausedTests
{
    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan s_budget = TimeSpan.FromMilliseconds(100);

    // Far above latency + budget (120 ms) for a busy two-core machine, far below what an unbounded call
    // costs: StackExchange.Redis's own default timeout is 5 s.
    private static readonly TimeSpan s_ceiling = TimeSpan.FromSeconds(1.5);

    [Test]
    public async Task PausedServer_EachCallReturnsWithinLatencyPlusBudget_TheBreakerOpens_AndClosesAfterResume()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore(s_latency);
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, Configure);
        harness.Service.GetById(1);
        harness.Service.GetById(1);
        harness.Observer.Clear();

        var slowest = TimeSpan.Zero;
        server.Pause();
        try
        {
            for (var i = 0; i < 15; i++)
            {
                var started = Stopwatch.StartNew();
                var product = await harness.Service.Read((ReadShape)(i % 3), 1 + (i % 4));
                slowest = started.Elapsed > slowest ? started.Elapsed : slowest;
                Assert.That(product, Is.EqualTo(store.Row(1 + (i % 4))));
            }
        }
        finally
        {
            server.Resume();
        }

        TestContext.Out.WriteLine($"slowest call while paused: {slowest.TotalMilliseconds:0.0} ms; outcomes: {string.Join(",", harness.Observer.Events.Select(e => $"{e.Outcome}/{e.Details}"))}");
        Assert.That(slowest, Is.LessThan(s_ceiling));
        Assert.That(harness.Observer.Outcomes, Is.All.EqualTo(CacheOutcome.Bypass));
        Assert.That(harness.Observer.Events.Count(e => e.Details.HasFlag(CacheEventDetails.CircuitOpen)), Is.GreaterThan(5), "the breaker opened and later calls skipped Redis");
        Assert.That(Eventually.True(() => harness.Logs.WithId(13).Any()), Is.True, "the breaker's opening was logged");
        Assert.That(await HitsResume(harness), Is.True, "caching resumed after SIGCONT");
        Assert.That(Eventually.True(() => harness.Logs.WithId(15).Any()), Is.True, "the breaker's closing was logged");
    }

    [Test]
    public async Task PausedServer_SyncAndAsyncCallsKeepTheBudget_EvenOnAUserMultiplexerWithLongTimeouts()
    {
        using var server = RedisServer.Start();
        var options = ConfigurationOptions.Parse($"{server.Endpoint},syncTimeout=10000,asyncTimeout=10000,abortConnect=false");
        using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new ProductStore(s_latency);
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, Configure, connection);
        await harness.Service.GetByIdAsync(1);

        var slowest = TimeSpan.Zero;
        server.Pause();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var started = Stopwatch.StartNew();
                var product = (i % 3) switch
                {
                    0 => await harness.Service.GetByIdAsync(1),
                    1 => await harness.Service.GetByIdValueTaskAsync(2),
                    _ => harness.Service.GetById(1),
                };
                slowest = started.Elapsed > slowest ? started.Elapsed : slowest;
                Assert.That(product, Is.EqualTo(store.Row(i % 3 == 1 ? 2 : 1)));
            }
        }
        finally
        {
            server.Resume();
        }

        TestContext.Out.WriteLine($"slowest call while paused: {slowest.TotalMilliseconds:0.0} ms");
        Assert.That(slowest, Is.LessThan(s_ceiling), "the multiplexer would have waited 10 s");
        Assert.That(harness.Logs.AllText, Does.Contain("within 100 ms (CacheAsideOptions.RedisTimeout)"));
    }

    [Test]
    public async Task PausedServer_ConcurrentCoalescedReadsKeepTheBudget_OnAUserMultiplexerWithLongTimeouts()
    {
        using var server = RedisServer.Start();
        var options = ConfigurationOptions.Parse($"{server.Endpoint},syncTimeout=10000,asyncTimeout=10000,abortConnect=false");
        using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, o =>
        {
            Configure(o);
            o.CircuitBreakerMinimumThroughput = 1000;
            o.CoalesceReadsAbove = 1;
        }, connection);
        for (var id = 1; id <= 20; id++)
        {
            await harness.Service.GetByIdAsync(id);
        }

        var slowest = 0L;
        var wrong = 0;
        server.Pause();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 32).Select(caller => Task.Run(async () =>
            {
                for (var i = 0; i < 3; i++)
                {
                    var id = 1 + ((caller + i) % 20);
                    var started = Stopwatch.GetTimestamp();
                    var product = i % 2 == 0 ? await harness.Service.GetByIdAsync(id) : await harness.Service.GetByIdValueTaskAsync(id);
                    var took = Stopwatch.GetElapsedTime(started).Ticks;
                    InterlockedMax(ref slowest, took);
                    if (product != store.Row(id))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            })));
        }
        finally
        {
            server.Resume();
        }

        TestContext.Out.WriteLine($"slowest of 96 concurrent calls while paused: {TimeSpan.FromTicks(slowest).TotalMilliseconds:0.0} ms; batches: {harness.Container.Resolve<Interception.Internal.Engine.CacheEngine>().Store.Batches}");
        Assert.That(wrong, Is.Zero);
        Assert.That(TimeSpan.FromTicks(slowest), Is.LessThan(s_ceiling), "a GET waiting in a batch is bounded by the budget like any other");
        Assert.That(harness.Observer.Outcomes.Skip(20), Is.All.EqualTo(CacheOutcome.Bypass));
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var seen = Volatile.Read(ref location);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref location, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    private static void Configure(CacheAsideOptions options)
    {
        options.RedisTimeout = s_budget;
        options.CircuitBreakerMinimumThroughput = 4;
        options.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(1);
    }

    private static async Task<bool> HitsResume(CacheAsideHarness<IProductRepository> harness)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await harness.Service.GetByIdAsync(9);
            if (harness.Observer.Last.Outcome == CacheOutcome.Hit)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
