using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>What the implementation throws reaches the caller unchanged and is never cached.</summary>
public sealed class TargetExceptionTests
{
    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task FailingRead_ThrowsTheSameException_AndStoresNothing(ReadShape shape)
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store);
        var failure = new TimeoutException("the database timed out");
        store.Failure = failure;

        var thrown = await Assert.CatchAsync(() => harness.Service.Read(shape, 31));
        store.Failure = null;
        var afterwards = await harness.Service.Read(shape, 31);

        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(afterwards, Is.EqualTo(store.Row(31)));
        Assert.That(store.Reads, Is.EqualTo(2), "the failure was not cached: the next read called the implementation");
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss }));
        Assert.That(harness.Observer.Events[0].Details.HasFlag(CacheEventDetails.TargetFailed), Is.True);
    }
}
