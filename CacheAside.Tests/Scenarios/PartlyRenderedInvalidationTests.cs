using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>
/// A write naming several keys, one of which cannot be rendered (a property of its argument throws): the
/// keys that render are still deleted, and the call reports that one was not.
/// </summary>
public sealed class PartlyRenderedInvalidationTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task AKeyThatCannotBeRendered_LeavesOnlyItsOwnEntry_TheOthersAreDeleted(bool sync)
    {
        var source = new Orders();
        using var harness = CacheAsideHarness<IOrders>.Create(source);
        Assert.That(await harness.Service.TotalAsync(7), Is.EqualTo(1));
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("total:7")), Is.True);

        source.Version = 2;
        var order = new Order(7);
        if (sync)
        {
            harness.Service.Save(order);
        }
        else
        {
            await harness.Service.SaveAsync(order);
        }

        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.InvalidationFailed));
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.KeyFailed));
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("total:7")), Is.False, "the key that rendered was deleted");
        Assert.That(await harness.Service.TotalAsync(7), Is.EqualTo(2));
    }

    /// <summary>An order whose region cannot be read (a lazy property whose source is gone).</summary>
    public sealed record Order(int Customer)
    {
        public string Region => throw new InvalidOperationException($"The region of customer {Customer} was not loaded.");
    }

    public interface IOrders
    {
        [Cached("total:{customer}", TtlSeconds = 60)]
        Task<int> TotalAsync(int customer);

        [Invalidates("total:{order.Customer}")]
        [Invalidates("region:{order.Region}")]
        Task SaveAsync(Order order);

        [Invalidates("total:{order.Customer}")]
        [Invalidates("region:{order.Region}")]
        void Save(Order order);
    }

    public sealed class Orders : IOrders
    {
        public int Version { get; set; } = 1;

        public Task<int> TotalAsync(int customer) => Task.FromResult(Version);

        public Task SaveAsync(Order order) => Task.CompletedTask;

        public void Save(Order order)
        {
        }
    }
}
