using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>The seed's fifth step: a write deletes the key, and the next read is a miss with new data.</summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class InvalidationTests(Topology topology)
{
    [TestCase(WriteShape.Void)]
    [TestCase(WriteShape.Task)]
    [TestCase(WriteShape.TaskOfT)]
    [TestCase(WriteShape.ValueTask)]
    [TestCase(WriteShape.ValueTaskOfT)]
    public async Task Write_ThroughAnInvalidatingMethod_DeletesTheKey_AndTheNextReadSeesNewData(WriteShape shape)
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
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
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), topology);
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
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
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
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), topology);
        await harness.Service.GetByIdAsync(13);

        var confirmed = await harness.Invalidator.InvalidateAsync($"product:13");

        Assert.That(confirmed, Is.True);
        Assert.That(harness.Redis.KeyExists(harness.Key("product:13")), Is.False);
    }

    [Test]
    public void Invalidate_WithAnInterpolatedKey_EscapesValuesAsTemplatesDo()
    {
        using var harness = CacheAsideHarness<IQuoteService>.Create(new QuoteSource(), topology);
        var symbol = "A:B";
        harness.Service.GetQuote(symbol);
        Assert.That(harness.Redis.KeyExists(harness.Key("quote:A\\:B")), Is.True);

        harness.Invalidator.Invalidate($"quote:{symbol}");

        Assert.That(harness.Redis.KeyExists(harness.Key("quote:A\\:B")), Is.False);
    }
}
