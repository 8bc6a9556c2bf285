using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Redis behind a slow or stalled network (a loopback proxy that delays or holds the bytes): the time a call
/// loses to Redis is bounded by the budget, sync and async alike, and caching resumes when the network does.
/// </summary>
public sealed class SlowNetworkTests
{
    private static readonly TimeSpan s_budget = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(10);

    // Budget and latency are 110 ms; the rest is room for a busy two-core machine, far below the seconds an
    // unbounded call would take.
    private static readonly TimeSpan s_ceiling = TimeSpan.FromMilliseconds(700);

    [TestCase(80)]
    [TestCase(0)]
    public async Task DelayedOrStalledNetwork_EachCallStaysWithinLatencyPlusBudget(int delayMs)
    {
        using var server = RedisServer.Start();
        using var proxy = new DelayProxy(server.Port);
        var store = new ProductStore(s_latency);
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, proxy.Endpoint, o => o.RedisTimeout = s_budget);
        await harness.Service.GetByIdAsync(1);
        harness.Service.GetById(2);

        if (delayMs > 0)
        {
            proxy.Delay = TimeSpan.FromMilliseconds(delayMs);
        }
        else
        {
            proxy.Stall();
        }

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var started = Stopwatch.StartNew();
            var product = await harness.Service.Read((ReadShape)(i % 3), 1 + (i % 5));
            slowest = started.Elapsed > slowest ? started.Elapsed : slowest;
            Assert.That(product, Is.EqualTo(store.Row(1 + (i % 5))));
        }

        proxy.Delay = TimeSpan.Zero;
        proxy.Flow();

        TestContext.Out.WriteLine($"slowest call: {slowest.TotalMilliseconds:0} ms; outcomes: {string.Join(",", harness.Observer.Outcomes.Skip(2))}");
        Assert.That(slowest, Is.LessThan(s_ceiling));
        Assert.That(harness.Observer.Outcomes.Skip(2), Is.All.EqualTo(CacheOutcome.Bypass).Or.EqualTo(CacheOutcome.Miss));
        Assert.That(Eventually.True(() => harness.Service.GetById(1) is not null && harness.Observer.Last.Outcome == CacheOutcome.Hit, TimeSpan.FromSeconds(20)), Is.True, "hits resume");
    }

    /// <summary>
    /// A call that joined a shared load which cannot be handed to it (an invalidation came between) starts over
    /// with a new GET. That GET gets a whole budget: the call's start lies further back than a budget (the load
    /// took longer), and a GET whose deadline had already passed would time out at the budget clock's next tick,
    /// before a Redis 30 ms away could answer, and count as a Redis failure.
    /// </summary>
    [Test]
    public async Task ACallThatStartsOverAfterALongSharedLoad_GetsAWholeBudgetForItsNewGet()
    {
        using var server = RedisServer.Start();
        using var proxy = new DelayProxy(server.Port);
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, proxy.Endpoint, o => o.RedisTimeout = s_budget);
        using var leaseEvents = new MetricCapture(CacheAsideDiagnostics.LeaseEvents);
        var engine = harness.Container.Resolve<CacheEngine>();
        var key = harness.Key("row:1");
        proxy.Delay = TimeSpan.FromMilliseconds(15);

        source.Gate.Close();
        var first = harness.Service.GetAsync(1);
        Assert.That(source.Gate.WaitForArrival(), Is.True, "the first load read v1 and is held");
        await harness.Service.SetAsync(1, "v2");
        var second = harness.Service.GetAsync(1);
        Assert.That(Eventually.True(() => engine.Waiting(key, sync: false) == 2), Is.True, "the second call joined the load in flight");

        // Held past the second call's budget, counted from its start.
        await Task.Delay(3 * s_budget);
        source.Gate.Open();

        Assert.That(await first, Is.EqualTo("v1"));
        Assert.That(await second, Is.EqualTo("v2"));
        Assert.That(leaseEvents.Count(CacheAsideDiagnostics.LeaseEventTag, "rejoined"), Is.EqualTo(1), "the second call started over");
        var secondsEvent = harness.Observer.Events.Last(e => e.Operation == CacheOperation.Read);
        TestContext.Out.WriteLine($"the second call: {secondsEvent.Outcome}, {secondsEvent.Details}, {secondsEvent.Elapsed.TotalMilliseconds:0} ms");
        Assert.That(secondsEvent.Outcome, Is.EqualTo(CacheOutcome.Miss), "its new GET was answered within its own budget: a miss through Redis, not a bypass");
        Assert.That(harness.Observer.Events.Select(e => e.Outcome), Has.None.EqualTo(CacheOutcome.Bypass));
    }
}
