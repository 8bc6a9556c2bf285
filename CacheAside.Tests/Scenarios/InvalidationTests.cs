using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>The seed's fifth step: a write deletes the key, and the next read is a miss with new data.</summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class InvalidationTests(Topology topology)
{
    /// <summary>
    /// What these tests check is which outcome each call has and what Redis holds after a write, not how fast Redis
    /// answers: a budget no reply misses on a busy machine, where the default 50 ms could turn a hit or a delete into
    /// a bypass or a failed invalidation.
    /// </summary>
    private static readonly Action<CacheAsideOptions> s_patientBudget = o => o.RedisTimeout = TimeSpan.FromSeconds(1);

    [TestCase(WriteShape.Void)]
    [TestCase(WriteShape.Task)]
    [TestCase(WriteShape.TaskOfT)]
    [TestCase(WriteShape.ValueTask)]
    [TestCase(WriteShape.ValueTaskOfT)]
    public async Task Write_ThroughAnInvalidatingMethod_DeletesTheKey_AndTheNextReadSeesNewData(WriteShape shape)
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology, s_patientBudget);
        var key = harness.Key("product:9");
        harness.Service.GetById(9);
        harness.Service.GetById(9);
        Assert.That(harness.Redis.KeyExists(key), Is.True);

        await harness.Service.Write(shape, new Product(9, "Renamed", 99m));
        var keyAfterWrite = harness.Redis.KeyExists(key);
        var read = harness.Service.GetById(9);

        Assert.That(keyAfterWrite, Is.False, "the write deleted the key");
        Assert.That(read, Is.EqualTo(new Product(9, "Renamed", 99m)));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Invalidated, CacheOutcome.Miss }));
        Assert.That(harness.Observer.Events[2].Keys, Does.Contain(key));
    }

    [Test]
    public async Task Write_NamingSeveralKeys_DeletesThemAll()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), topology, s_patientBudget);
        harness.Service.GetById(60);
        harness.Service.Count();

        await harness.Service.InsertAsync(new Product(60, "New", 1m));

        Assert.That(harness.Redis.KeyExists(harness.Key("product:60")), Is.False);
        Assert.That(harness.Redis.KeyExists(harness.Key("product-count")), Is.False);
        Assert.That(harness.Observer.Last.Keys, Is.EqualTo(new[] { harness.Key("product:60"), harness.Key("product-count") }));
    }

    [Test]
    public void Invalidate_WithAnInterpolatedKey_DeletesTheEntryTheReadStored()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology, s_patientBudget);
        var id = 12;
        harness.Service.GetById(id);
        store.SetRow(new Product(id, "Changed elsewhere", 1m));

        var confirmed = harness.Invalidator.Invalidate($"product:{id}");
        var read = harness.Service.GetById(id);

        Assert.That(confirmed, Is.True);
        Assert.That(read!.Name, Is.EqualTo("Changed elsewhere"));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Invalidated, CacheOutcome.Miss }));
    }

    [Test]
    public async Task InvalidateAsync_WithAKeyOfOnlyLiteralText_DeletesTheEntry()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), topology, s_patientBudget);
        await harness.Service.GetByIdAsync(13);

        var confirmed = await harness.Invalidator.InvalidateAsync($"product:13");

        Assert.That(confirmed, Is.True);
        Assert.That(harness.Redis.KeyExists(harness.Key("product:13")), Is.False);
    }

    [Test]
    public void Invalidate_WithAnInterpolatedKey_EscapesValuesAsTemplatesDo()
    {
        using var harness = CacheAsideHarness<IQuoteService>.Create(new QuoteSource(), topology, s_patientBudget);
        var symbol = "A:B";
        harness.Service.GetQuote(symbol);
        Assert.That(harness.Redis.KeyExists(harness.Key("quote:A\\:B")), Is.True);

        harness.Invalidator.Invalidate($"quote:{symbol}");

        Assert.That(harness.Redis.KeyExists(harness.Key("quote:A\\:B")), Is.False);
    }
}
