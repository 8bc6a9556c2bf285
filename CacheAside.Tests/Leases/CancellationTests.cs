using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Leases;

/// <summary>
/// A caller's token stops its own wait for a shared load, never the load other callers share; the load
/// itself is cancelled only once every caller waiting for it has given up.
/// </summary>
public sealed class CancellationTests
{
    [Test]
    public async Task CancelledWaiter_GetsOperationCanceled_AndTheLoadGoesOnForTheOthers()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source);
        var engine = harness.Container.Resolve<CacheEngine>();
        source.Gate.Close();
        var loader = harness.Service.GetAsync(1);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        using var cancel = new CancellationTokenSource();
        var waiter = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(Eventually.True(() => engine.Waiting(harness.Key("row:1"), sync: false) == 2), Is.True);

        await cancel.CancelAsync();

        await Assert.CatchAsync<OperationCanceledException>(() => waiter);
        source.Gate.Open();
        Assert.That(await loader, Is.EqualTo("v1"));
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("row:1")), Is.True, "the shared load stored");
        Assert.That(harness.Observer.Events.Count(e => e.Details.HasFlag(CacheEventDetails.Canceled)), Is.EqualTo(1));
    }

    [Test]
    public async Task CancelledLoader_GetsOperationCanceled_WhileItsLoadServesTheCallersThatJoined()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source);
        var engine = harness.Container.Resolve<CacheEngine>();
        using var cancel = new CancellationTokenSource();
        source.Gate.Close();
        var loader = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        var joined = harness.Service.GetAsync(1);
        Assert.That(Eventually.True(() => engine.Waiting(harness.Key("row:1"), sync: false) == 2), Is.True);

        await cancel.CancelAsync();

        await Assert.CatchAsync<OperationCanceledException>(() => loader);
        source.Gate.Open();
        Assert.That(await joined, Is.EqualTo("v1"), "the load was not cancelled: a caller still waited for it");
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, harness.Observer.Events.Select(e => $"{e.Outcome} {e.Details}")));
        Assert.That(source.Loads, Is.EqualTo(1));
    }

    [Test]
    public async Task WhenEveryCallerGivesUp_TheLoadIsCancelled_AndNothingIsStored()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source);
        using var cancel = new CancellationTokenSource();
        source.Gate.Close();
        var loader = harness.Service.GetAsync(1, cancel.Token);
        Assert.That(source.Gate.WaitForArrival(), Is.True);

        await cancel.CancelAsync();

        await Assert.CatchAsync<OperationCanceledException>(() => loader);
        Assert.That(Eventually.True(() => !harness.Redis.KeyExists(harness.Key("row:1") + ":lease")), Is.True, "the cancelled load released its lease");
        source.Gate.Open();
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("row:1")), Is.False);
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"));
        Assert.That(source.Loads, Is.EqualTo(2));
    }
}
