using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>A null result is not cached unless the method asks, and then only for its own short TTL.</summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class NullResultTests(Topology topology)
{
    [Test]
    public void NullResult_OfAMethodWithoutNullTtl_IsNotStored()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);

        var first = harness.Service.GetById(404);
        var second = harness.Service.GetById(404);

        Assert.That(first, Is.Null);
        Assert.That(second, Is.Null);
        Assert.That(store.Reads, Is.EqualTo(2));
        Assert.That(harness.Redis.KeyExists(harness.Key("product:404")), Is.False);
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss }));
        Assert.That(harness.Observer.Events[0].Details, Is.EqualTo(CacheEventDetails.NullValue | CacheEventDetails.NotStored));
    }

    [Test]
    public async Task NullResult_OfAMethodWithNullTtl_IsStoredForThatTtlOnly()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
        var key = harness.Key("product-or-null:404");

        var first = await harness.Service.FindAsync(404);
        var second = await harness.Service.FindAsync(404);
        var ttl = harness.Redis.KeyTimeToLive(key);
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        store.SetRow(new Product(404, "Created meanwhile", 4m));
        var third = await harness.Service.FindAsync(404);

        Assert.That(first, Is.Null);
        Assert.That(second, Is.Null);
        Assert.That(ttl, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(third!.Name, Is.EqualTo("Created meanwhile"), "the null entry expired after NullTtlSeconds");
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Miss }));
        Assert.That(store.Reads, Is.EqualTo(2));
    }

    [Test]
    public async Task NonNullResult_OfAMethodWithNullTtl_UsesTheMethodsTtl()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), topology);

        await harness.Service.FindAsync(1);

        Assert.That(harness.Redis.KeyTimeToLive(harness.Key("product-or-null:1")), Is.GreaterThan(TimeSpan.FromSeconds(55)));
    }
}
