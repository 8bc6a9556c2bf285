using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>
/// Hits coalesced under load: while several commands are in flight, the <c>GET</c>s a thread issues in a row
/// are written as one batch. Each caller still gets exactly its own row, a hit is still one <c>GET</c>, and a
/// caller alone or a synchronous caller never waits for a batch.
/// </summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class CoalescedReadsTests(Topology topology)
{
    private const int Callers = 64;
    private const int ReadsPerCaller = 100;
    private const int Rows = 50;

    [Test]
    public async Task ManyConcurrentAsyncHits_AreCoalesced_AndEachCallerGetsItsOwnRow()
    {
        var store = new ProductStore();

        // 64 callers on a busy machine can keep a GET from its reply past the default 50 ms, which would make it a
        // bypass; what this tests is that every read is a hit with the right row, so the budget is one no reply misses.
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        await WarmAsync(harness);
        var batchesBefore = Batches(harness);

        var wrong = await ReadConcurrentlyAsync(harness, store, sync: false);

        Assert.That(wrong, Is.Zero, "every caller got the row of the id it asked for");
        Assert.That(store.Reads, Is.EqualTo(Rows), "the warm entries served every read");
        Assert.That(harness.Observer.Outcomes.Skip(Rows), Is.All.EqualTo(CacheOutcome.Hit));
        Assert.That(Batches(harness), Is.GreaterThan(batchesBefore), "with 64 callers in flight, GETs went out in batches");
    }

    [Test]
    public async Task ACallerAlone_NeverWaitsForABatch()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
        await WarmAsync(harness);
        var batchesBefore = Batches(harness);

        for (var i = 0; i < 200; i++)
        {
            Assert.That(await harness.Service.GetByIdAsync(1 + (i % Rows)), Is.EqualTo(store.Row(1 + (i % Rows))));
        }

        Assert.That(Batches(harness), Is.EqualTo(batchesBefore), "one command in flight at a time: each GET went out at once");
    }

    [Test]
    public async Task SynchronousCallers_NeverWaitForABatch()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
        await WarmAsync(harness);
        var batchesBefore = Batches(harness);

        var wrong = await ReadConcurrentlyAsync(harness, store, sync: true);

        Assert.That(wrong, Is.Zero);
        Assert.That(Batches(harness), Is.EqualTo(batchesBefore), "a blocked thread cannot send a batch, so sync reads go out at once");
    }

    [Test]
    public async Task CoalescingOff_SendsEveryGetAlone()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology, o => o.CoalesceReadsAbove = 0);
        await WarmAsync(harness);

        var wrong = await ReadConcurrentlyAsync(harness, store, sync: false);

        Assert.That(wrong, Is.Zero);
        Assert.That(Batches(harness), Is.Zero);
    }

    [Test]
    public async Task AfterASlowFlush_CoalescingPauses_AndEveryGetGoesOutAlone()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
        await WarmAsync(harness);
        var redis = harness.Container.Resolve<CacheEngine>().Store;
        var time = TimeProvider.System;

        // A batch whose work item waited 30 ms (the budget is 50 ms), as on a saturated thread pool, again every 100 ms.
        using var slowFlushes = new Timer(_ => redis.BatchSent(time.GetTimestamp() - (time.TimestampFrequency * 3 / 100)), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        Assert.That(SpinWait.SpinUntil(() => redis.CoalescingPauses > 0, TimeSpan.FromSeconds(5)), Is.True);
        var batchesBefore = redis.Batches;

        var wrong = await ReadConcurrentlyAsync(harness, store, sync: false);

        Assert.That(wrong, Is.Zero);
        Assert.That(redis.Batches, Is.EqualTo(batchesBefore), "while paused, each GET went out at once");
    }

    private static long Batches(CacheAsideHarness<IProductRepository> harness) => harness.Container.Resolve<CacheEngine>().Store.Batches;

    private static async Task WarmAsync(CacheAsideHarness<IProductRepository> harness)
    {
        for (var id = 1; id <= Rows; id++)
        {
            await harness.Service.GetByIdAsync(id);
        }
    }

    /// <summary><see cref="Callers"/> callers at once, each reading ids in its own order, in the Task and ValueTask shapes (or sync); how many reads returned another row than asked for.</summary>
    private static async Task<int> ReadConcurrentlyAsync(CacheAsideHarness<IProductRepository> harness, ProductStore store, bool sync)
    {
        var wrong = 0;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => sync
            ? Task.Factory.StartNew(() => Loop(caller).GetAwaiter().GetResult(), TaskCreationOptions.LongRunning)
            : Task.Run(() => Loop(caller))));
        return wrong;

        async Task Loop(int caller)
        {
            for (var i = 0; i < ReadsPerCaller; i++)
            {
                var id = 1 + (((caller * 7) + (i * (caller + 1))) % Rows);
                var product = sync ? harness.Service.GetById(id)
                    : i % 2 == 0 ? await harness.Service.GetByIdAsync(id)
                    : await harness.Service.GetByIdValueTaskAsync(id);
                if (product != store.Row(id))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        }
    }
}
