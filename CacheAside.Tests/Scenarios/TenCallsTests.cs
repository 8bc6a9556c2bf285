using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>The seed's third step: ten calls with one key, a slow first call, nine fast ones.</summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class TenCallsTests(Topology topology)
{
    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task TenReads_OfOneKey_MissOnceThenHitNineTimes(ReadShape shape)
    {
        var store = new ProductStore(latency: TimeSpan.FromMilliseconds(100));
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);

        var results = new List<Product?>();
        for (var call = 0; call < 10; call++)
        {
            results.Add(await harness.Service.Read(shape, 7));
        }

        var events = harness.Observer.Events;
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss }.Concat(Enumerable.Repeat(CacheOutcome.Hit, 9))));
        Assert.That(store.Reads, Is.EqualTo(1), "the implementation runs on the miss only");
        Assert.That(results, Is.All.EqualTo(store.Row(7)));
        Assert.That(events.Select(e => e.Key), Is.All.EqualTo(harness.Key("product:7")));
        Assert.That(events[0].Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(95)), "the miss pays the source's latency");
        var hits = events.Skip(1).Select(e => e.Elapsed).Order().ToList();
        Assert.That(hits[hits.Count / 2], Is.LessThan(events[0].Elapsed / 10), "a hit is an order of magnitude faster than the source");
        Assert.That(hits[^1], Is.LessThan(events[0].Elapsed / 2), "even the slowest hit (a GC pause, say) never costs the source's latency");
    }

    [Test]
    public void FirstRead_StoresTheResult_WithTheMethodsTtl()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), topology);

        harness.Service.GetById(3);

        var key = harness.Key("product:3");
        var ttl = harness.Redis.KeyTimeToLive(key);
        Assert.That(harness.Redis.KeyExists(key), Is.True);
        Assert.That(ttl, Is.GreaterThan(TimeSpan.FromSeconds(55)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public void Hit_ReturnsAnEqualValue_ReadBackFromJson()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);

        var miss = harness.Service.GetById(5);
        var hit = harness.Service.GetById(5);

        Assert.That(hit, Is.EqualTo(miss));
        Assert.That(hit, Is.Not.SameAs(miss), "the hit is a copy read from Redis, not the implementation's object");
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
    }

    [Test]
    public void UnmarkedMethod_GoesStraightToTheImplementation_WithoutEvents()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), topology);

        var description = harness.Service.Describe(4);

        Assert.That(description, Is.EqualTo("product 4"));
        Assert.That(harness.Observer.Events, Is.Empty);
    }

    [Test]
    public async Task DifferentArguments_UseDifferentKeys()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);

        var first = await harness.Service.GetByIdAsync(1);
        var second = await harness.Service.GetByIdAsync(2);

        Assert.That(first!.Id, Is.EqualTo(1));
        Assert.That(second!.Id, Is.EqualTo(2));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss }));
    }
}
