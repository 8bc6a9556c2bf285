using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>Invalidation happens after a write completed, and only when it succeeded.</summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class WriteCompletionTests(Topology topology)
{
    [TestCase(WriteShape.Task)]
    [TestCase(WriteShape.TaskOfT)]
    [TestCase(WriteShape.ValueTask)]
    [TestCase(WriteShape.ValueTaskOfT)]
    public async Task AsyncWrite_HeldOpen_DoesNotInvalidateBeforeItCompletes(WriteShape shape)
    {
        var store = new ProductStore { WriteGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
        var key = harness.Key("product:21");
        harness.Service.GetById(21);

        var write = harness.Service.Write(shape, new Product(21, "Pending", 2m));
        await WaitUntil(() => store.Row(21)!.Name == "Pending");
        await Task.Delay(100);
        var keyWhileOpen = harness.Redis.KeyExists(key);
        var completedWhileOpen = write.IsCompleted;
        store.WriteGate.SetResult();
        await write;

        Assert.That(keyWhileOpen, Is.True, "the key stays until the write's task completes");
        Assert.That(completedWhileOpen, Is.False, "the caller's task waits for the write");
        Assert.That(harness.Redis.KeyExists(key), Is.False, "the key is deleted once the write completed");
    }

    [TestCase(WriteShape.Void)]
    [TestCase(WriteShape.Task)]
    [TestCase(WriteShape.TaskOfT)]
    [TestCase(WriteShape.ValueTask)]
    [TestCase(WriteShape.ValueTaskOfT)]
    public async Task FailedWrite_DoesNotInvalidate_AndItsExceptionReachesTheCaller(WriteShape shape)
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, topology);
        var key = harness.Key("product:22");
        harness.Service.GetById(22);
        var failure = new InvalidOperationException("the database refused the write");
        store.Failure = failure;

        var thrown = await Assert.CatchAsync(() => harness.Service.Write(shape, new Product(22, "Lost", 0m)));

        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(harness.Redis.KeyExists(key), Is.True);
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.NotInvalidated));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.TargetFailed), Is.True);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(10);
        }
    }
}
