using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Leases;

/// <summary>
/// A caller never waits for a load whose value it could not take. A load that stores nothing (Redis down,
/// a lease step that failed) may be handed only to callers that were already waiting when it began, since
/// a write may have come between; a caller arriving later loads at once, so a call with Redis down costs the
/// source's latency, not the rest of another caller's load and then its own.
/// </summary>
public sealed class LateCallerTests
{
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.Sync)]
    public async Task WithRedisDown_ACallerArrivingDuringALoad_LoadsAtOnceInsteadOfWaitingForIt(ReadShape shape)
    {
        using var server = RedisServer.Create();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o => o.RedisTimeout = TimeSpan.FromMilliseconds(50));
        source.Gate.Close();

        var first = shape.Start(() => harness.Service.Read(shape, 1));
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        var second = shape.Start(() => harness.Service.Read(shape, 1));

        Assert.That(source.Gate.WaitForArrival(TimeSpan.FromSeconds(5)), Is.True, "the second caller called the source while the first's load was still held");
        source.Gate.Open();
        Assert.That(await Task.WhenAll(first, second), Is.All.EqualTo("v1"));
        Assert.That(harness.Observer.Outcomes, Is.All.EqualTo(CacheOutcome.Bypass));
    }

    [Test]
    public async Task AfterALeaseWaitTimedOut_ACallerArrivingDuringTheUncachedLoad_DoesNotWaitForIt()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.LeaseWaitTimeout = TimeSpan.FromMilliseconds(300);
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var key = harness.Key("row:1");

        // Another process holds the lease and never stores.
        await harness.Redis.HashSetAsync(key + ":lease", "t", "someone-else");
        await harness.Redis.KeyExpireAsync(key + ":lease", TimeSpan.FromSeconds(30));
        source.Gate.Close();
        var first = harness.Service.GetAsync(1);
        Assert.That(source.Gate.WaitForArrival(), Is.True, "the first caller gave up waiting and loads without storing");
        var second = harness.Service.GetAsync(1);

        Assert.That(source.Gate.WaitForArrival(TimeSpan.FromSeconds(5)), Is.True, "the second caller waited for the lease on its own, then loaded, while the first load was still held");
        source.Gate.Open();
        Assert.That(await Task.WhenAll(first, second), Is.All.EqualTo("v1"));
    }
}
