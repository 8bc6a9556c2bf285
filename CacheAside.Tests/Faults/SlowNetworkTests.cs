using System.Diagnostics;
using CacheAside.Interception;
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
}
