using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>
/// Hits of a deeply immutable result type share the instance decoded from the same entry; anything else
/// (another entry, a mutable type, the option off) decodes afresh. Every hit still reads Redis, so a value
/// replaced there, by this container or another, is what the next hit returns.
/// </summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class ReusedInstancesTests(Topology topology)
{
    [Test]
    public async Task ImmutableRecord_HitsOfOneEntry_ShareOneInstance()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);

        var miss = await harness.Service.GetByIdAsync(5);
        var first = await harness.Service.GetByIdAsync(5);
        var second = await harness.Service.GetByIdAsync(5);
        var third = await harness.Service.GetByIdAsync(5);

        Assert.That(first, Is.EqualTo(store.Row(5)));
        Assert.That(first, Is.Not.SameAs(miss), "the miss returns the implementation's own object");
        Assert.That(third, Is.SameAs(second), "the entry, decoded a second time, is kept and shared");
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Hit, CacheOutcome.Hit }));
    }

    [Test]
    public async Task EntryReplaced_ByAnotherContainer_NextHitReturnsTheNewValue()
    {
        var store = new ProductStore();
        using var reader = CacheAsideHarness<IProductRepository>.Create(store, topology);
        using var writer = CacheAsideHarness<IProductRepository>.Create(store, topology, o => o.KeyPrefix = reader.Prefix);
        await reader.Service.GetByIdAsync(5);
        await reader.Service.GetByIdAsync(5);
        var before = await reader.Service.GetByIdAsync(5);

        // Another process updates the row, and reloads it into Redis.
        var updated = before! with { Price = before.Price + 1m };
        await writer.Service.UpdateAsync(updated);
        store.SetRow(updated);
        await writer.Service.GetByIdAsync(5);
        var after = await reader.Service.GetByIdAsync(5);

        Assert.That(after, Is.EqualTo(updated));
        Assert.That(after, Is.Not.SameAs(before));
        Assert.That(reader.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Hit, CacheOutcome.Hit }));
    }

    [Test]
    public async Task Invalidated_ThenReloaded_HitsReturnTheReloadedValue()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
        await harness.Service.GetByIdAsync(6);
        await harness.Service.GetByIdAsync(6);
        var old = await harness.Service.GetByIdAsync(6);

        var updated = old! with { Name = "Renamed" };
        store.SetRow(updated);
        await harness.Service.UpdateAsync(updated);
        var reloaded = await harness.Service.GetByIdAsync(6);
        var hit = await harness.Service.GetByIdAsync(6);

        Assert.That(reloaded, Is.EqualTo(updated));
        Assert.That(hit, Is.EqualTo(updated));
        Assert.That(hit, Is.Not.SameAs(old));
    }

    [Test]
    public async Task MutableResult_EachHitGetsItsOwnInstance_AndChangingOneChangesNoOther()
    {
        var documents = new DocumentStore();
        await documents.SaveAsync("d1", new Draft { Title = "first", Lines = ["a", "b"] });
        using var harness = CacheAsideHarness<IDocumentStore>.Create(documents, topology);
        await harness.Service.LoadAsync<Draft>("d1");
        await harness.Service.LoadAsync<Draft>("d1");

        var first = await harness.Service.LoadAsync<Draft>("d1");
        first!.Title = "changed by a caller";
        first.Lines.Add("c");
        var second = await harness.Service.LoadAsync<Draft>("d1");

        Assert.That(second, Is.Not.SameAs(first));
        Assert.That(second!.Title, Is.EqualTo("first"));
        Assert.That(second.Lines, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Hit, CacheOutcome.Hit }));
    }

    [Test]
    public async Task ReuseOff_EachHitDecodesAfresh()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology, o => o.ReuseImmutableResults = false);
        await harness.Service.GetByIdAsync(5);
        await harness.Service.GetByIdAsync(5);

        var first = await harness.Service.GetByIdAsync(5);
        var second = await harness.Service.GetByIdAsync(5);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(second, Is.Not.SameAs(first));
    }

    public sealed class Draft
    {
        public string Title { get; set; } = string.Empty;

        public List<string> Lines { get; set; } = [];
    }
}
