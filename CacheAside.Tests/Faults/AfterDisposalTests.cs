using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Faults;

/// <summary>
/// A proxy resolved before its container was disposed, called afterwards — a background job finishing while the
/// host shuts down: the cache's connections are gone, so every call goes to the repository, and nothing the
/// disposed cache does reaches the caller.
/// </summary>
public sealed class AfterDisposalTests
{
    [Test]
    public async Task EveryShapeOfReadAndWrite_GetsTheRepositorysAnswer_AfterTheContainerIsDisposed()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore();
        var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        var products = harness.Service;
        var product = products.GetById(1)!;
        await products.GetByIdAsync(2);
        var invalidator = harness.Invalidator;
        harness.Dispose();

        Assert.That(products.GetById(1), Is.EqualTo(product));
        Assert.That(await products.GetByIdAsync(2), Is.EqualTo(store.GetById(2)));
        Assert.That(await products.GetByIdValueTaskAsync(3), Is.EqualTo(store.GetById(3)));
        Assert.DoesNotThrow(() => products.Update(product));
        await products.UpdateAsync(product);
        Assert.That(await products.TryUpdateAsync(product), Is.True);
        await products.UpdateValueTaskAsync(product);
        Assert.That(store.Writes, Is.EqualTo(4), "every write reached the repository");
        Assert.That(invalidator.Invalidate($"product:{1}"), Is.False, "nothing could be invalidated, and nothing threw");
        Assert.That(await invalidator.InvalidateAsync($"product:{2}"), Is.False);
    }
}
