using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Redis full (<c>maxmemory</c> reached, <c>noeviction</c>): entries it holds are still served, new ones are
/// not stored, writes' invalidations still land, and the breaker — which only Redis being unavailable may
/// open — stays closed. The refusal is reported once, with the configuration to fix.
/// </summary>
public sealed class OutOfMemoryTests
{
    [Test]
    public async Task FullRedis_ServesWhatItHolds_StoresNothingNew_InvalidatesStill_AndTheBreakerStaysClosed()
    {
        using var server = RedisServer.Start("--maxmemory-policy", "noeviction");
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o => o.CircuitBreakerMinimumThroughput = 2);
        await harness.Service.GetByIdAsync(1);
        await harness.Service.GetByIdAsync(2);
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        await admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
        harness.Observer.Clear();

        for (var i = 0; i < 10; i++)
        {
            Assert.That(await harness.Service.GetByIdAsync(1), Is.EqualTo(store.Row(1)));
            Assert.That(await harness.Service.GetByIdAsync(3 + i), Is.EqualTo(store.Row(3 + i)));
        }

        await harness.Service.UpdateAsync(new Product(2, "Written", 2m));
        var afterWrite = await harness.Service.GetByIdAsync(2);
        await admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "maxmemory", "0");

        var reads = harness.Observer.Events.Where(e => e.Operation == CacheOperation.Read).ToList();
        Assert.That(reads.Where(e => e.Key == harness.Key("product:1")).Select(e => e.Outcome), Is.All.EqualTo(CacheOutcome.Hit), "what Redis holds is served");
        Assert.That(reads.Where(e => e.Key != harness.Key("product:1")).Select(e => e.Outcome), Is.All.EqualTo(CacheOutcome.Miss));
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("product:3")), Is.False, "nothing new was stored");
        Assert.That(harness.Observer.Events.Single(e => e.Operation == CacheOperation.Write).Outcome, Is.EqualTo(CacheOutcome.Invalidated), "a full Redis still deletes");
        Assert.That(afterWrite!.Name, Is.EqualTo("Written"));
        Assert.That(reads.Any(e => e.Details.HasFlag(CacheEventDetails.CircuitOpen)), Is.False, "the breaker stayed closed");
        Assert.That(harness.Logs.WithId(19).Count(), Is.EqualTo(1), "out of memory reported once, with the policy to set");
    }

    /// <summary>
    /// A full Redis still runs the invalidation script — it calls no command that a full Redis refuses (<c>DEL</c>, <c>HGET</c>,
    /// <c>PUBLISH</c>) — so the value is deleted and the lease voided in one round trip, within the invalidation's budget.
    /// Redis is 500 ms away (250 ms each way) and the budget 750 ms.
    /// </summary>
    [Test]
    public async Task AFullRedis_RunsTheInvalidationScript_InOneRoundTrip([Values] bool sync)
    {
        var budget = TimeSpan.FromMilliseconds(750);
        using var server = RedisServer.Start("--maxmemory-policy", "noeviction");
        using var proxy = new DelayProxy(server.Port);
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, proxy.Endpoint, o => o.RedisTimeout = budget);
        await harness.Service.UpdateAsync(new Product(1, "Scripts known", 1m));
        await harness.Service.GetByIdAsync(1);
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        await admin.GetDatabase().HashSetAsync(harness.Key("product:1") + ":lease", "t", "00000000deadbeef");
        await admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
        proxy.Delay = TimeSpan.FromMilliseconds(250);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (sync)
        {
            harness.Service.Update(new Product(1, "Written", 2m));
        }
        else
        {
            await harness.Service.UpdateAsync(new Product(1, "Written", 2m));
        }

        watch.Stop();
        proxy.Delay = TimeSpan.Zero;
        await admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "maxmemory", "0");

        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Invalidated));
        Assert.That(watch.Elapsed, Is.LessThan(budget), "one round trip");
        Assert.That(await admin.GetDatabase().KeyExistsAsync(harness.Key("product:1")), Is.False);
        Assert.That(await admin.GetDatabase().KeyExistsAsync(harness.Key("product:1") + ":lease"), Is.False, "the lease is voided");
    }
}
