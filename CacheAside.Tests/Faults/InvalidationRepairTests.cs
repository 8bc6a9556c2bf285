using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Invalidations that fail during an outage are repaired when Redis is back: no entry invalidated during
/// the outage survives it, and the writes never waited for that.
/// </summary>
public sealed class InvalidationRepairTests
{
    private const int Rows = 20;

    [Test]
    public async Task InvalidationsDuringAPause_AreRepairedAfterIt_AndNoOldEntrySurvives()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint);
        using var repairs = new MetricCapture(CacheAsideDiagnostics.Repairs);
        var engine = harness.Container.Resolve<CacheEngine>();
        for (var id = 1; id <= Rows; id++)
        {
            await harness.Service.GetByIdAsync(id);
        }

        server.Pause();
        try
        {
            for (var id = 1; id <= Rows; id++)
            {
                await harness.Service.UpdateAsync(new Product(id, $"Written {id}", id));
            }
        }
        finally
        {
            server.Resume();
        }

        Assert.That(harness.Observer.Events.Where(e => e.Operation == CacheOperation.Write).Select(e => e.Outcome), Is.All.EqualTo(CacheOutcome.InvalidationFailed));
        Assert.That(Eventually.True(() => engine.PendingRepairs == 0, TimeSpan.FromSeconds(15)), Is.True, "the repairs ran once Redis answered");
        for (var id = 1; id <= Rows; id++)
        {
            Assert.That(await harness.Redis.KeyExistsAsync(harness.Key($"product:{id}")), Is.False, $"product {id} was invalidated after the pause");
            Assert.That(await harness.Service.GetByIdAsync(id), Is.EqualTo(store.Row(id)));
        }

        Assert.That(repairs.Count(CacheAsideDiagnostics.RepairResultTag, "queued"), Is.EqualTo(Rows));
        Assert.That(repairs.Count(CacheAsideDiagnostics.RepairResultTag, "repaired"), Is.EqualTo(Rows));
    }

    [Test]
    public async Task RepairAlsoVoidsTheLease_SoALoadThatBeganBeforeTheWriteCannotStore()
    {
        using var server = RedisServer.Start();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint);
        var engine = harness.Container.Resolve<CacheEngine>();
        source.Gate.Close();
        var read = harness.Service.GetAsync(1);
        Assert.That(source.Gate.WaitForArrival(), Is.True, "the load holds its lease");

        server.Pause();
        try
        {
            await harness.Service.SetAsync(1, "v2");
        }
        finally
        {
            server.Resume();
        }

        Assert.That(Eventually.True(() => engine.PendingRepairs == 0, TimeSpan.FromSeconds(15)), Is.True);
        source.Gate.Open();
        Assert.That(await read, Is.EqualTo("v1"));
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("row:1")), Is.False, "the repaired invalidation voided the lease");
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v2"));
    }

    [Test]
    public async Task WritesNeverWaitForRepairs_AndRepairsGiveUpOnceEntriesHaveExpired()
    {
        var down = RedisServer.Create();
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, down.Endpoint);
        using var repairs = new MetricCapture(CacheAsideDiagnostics.Repairs);
        var engine = harness.Container.Resolve<CacheEngine>();

        var written = System.Diagnostics.Stopwatch.StartNew();
        await harness.Service.UpdateAsync(new Product(1, "Written", 1m));
        written.Stop();

        Assert.That(written.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        Assert.That(engine.PendingRepairs, Is.EqualTo(1));
        // The longest TTL of IProductRepository's reads is 60 s: the repair is kept that long, not forever.
        Assert.That(repairs.Count(CacheAsideDiagnostics.RepairResultTag, "queued"), Is.EqualTo(1));
    }
}
