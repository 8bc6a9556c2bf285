using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Leases;

/// <summary>
/// The stale-set race, forced step by step: reader R misses and loads v1; writer W commits v2 and
/// invalidates; R's load finishes. With leases R's store is refused, so no value loaded before a completed
/// invalidation is stored or served after it.
/// </summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class StaleSetRaceTests(Topology topology)
{
    private const int Id = 1;

    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task LoadThatBeganBeforeAnInvalidation_IsNotStored_AndTheNextReadSeesTheWrite(ReadShape shape)
    {
        var source = new RowSource();
        source.Commit(Id, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, topology);
        var key = harness.Key($"row:{Id}");

        source.Gate.Close();
        var reader = StartRead(harness.Service, shape);
        Assert.That(source.Gate.WaitForArrival(), Is.True, "R's load read v1 and is held");
        harness.Service.Set(Id, "v2");
        source.Gate.Open();
        var readersOwn = await reader;

        Assert.That(readersOwn, Is.EqualTo("v1"), "R began before the write; it may return what it loaded");
        Assert.That(harness.Observer.Events.Single(e => e.Operation == CacheOperation.Read).Details.HasFlag(CacheEventDetails.StoreRefused), Is.True);
        Assert.That(harness.Redis.KeyExists(key), Is.False, "v1 was not stored after the invalidation");
        Assert.That(harness.Redis.KeyExists(key + ":lease"), Is.False, "the voided lease is gone");
        Assert.That(await harness.Service.Read(shape), Is.EqualTo("v2"));
        Assert.That(await harness.Service.Read(shape), Is.EqualTo("v2"));
        Assert.That(harness.Observer.Outcomes.TakeLast(2), Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
    }

    [Test]
    public async Task WithoutLeases_TheRaceLeavesTheOldValueInRedis()
    {
        var source = new RowSource();
        source.Commit(Id, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, topology, o => o.UseLeases = false);

        source.Gate.Close();
        var reader = harness.Service.GetAsync(Id);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        await harness.Service.SetAsync(Id, "v2");
        source.Gate.Open();
        await reader;

        Assert.That(await harness.Service.GetAsync(Id), Is.EqualTo("v1"), "the stale set: a hit on a value older than the completed write");
    }

    [Test]
    public async Task CallThatJoinsALoadAfterAnInvalidation_NeverGetsTheValueLoadedBeforeIt()
    {
        var source = new RowSource();
        source.Commit(Id, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, topology);
        using var leaseEvents = new MetricCapture(CacheAsideDiagnostics.LeaseEvents);
        var engine = harness.Container.Resolve<CacheEngine>();
        var key = harness.Key($"row:{Id}");

        source.Gate.Close();
        var first = harness.Service.GetAsync(Id);
        Assert.That(source.Gate.WaitForArrival(), Is.True, "the first load read v1 and is held");
        await harness.Service.SetAsync(Id, "v2");
        var second = harness.Service.GetAsync(Id);
        Assert.That(Eventually.True(() => engine.Waiting(key, sync: false) == 2), Is.True, "the second call joined the load in flight");
        source.Gate.Open();

        Assert.That(await first, Is.EqualTo("v1"), "the first call began before the write");
        Assert.That(await second, Is.EqualTo("v2"), "the second began after the write returned: it loads again");
        Assert.That(source.Loads, Is.EqualTo(2));
        Assert.That(leaseEvents.Count(CacheAsideDiagnostics.LeaseEventTag, "rejoined"), Is.EqualTo(1));
        Assert.That(await harness.Service.GetAsync(Id), Is.EqualTo("v2"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
    }

    [Test]
    public async Task CallThatJoinsBeforeAnyWrite_SharesTheLoad()
    {
        var source = new RowSource();
        source.Commit(Id, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, topology);
        var engine = harness.Container.Resolve<CacheEngine>();

        source.Gate.Close();
        var first = harness.Service.GetAsync(Id);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        var second = harness.Service.GetAsync(Id);
        Assert.That(Eventually.True(() => engine.Waiting(harness.Key($"row:{Id}"), sync: false) == 2), Is.True);
        source.Gate.Open();

        Assert.That(await first, Is.EqualTo("v1"));
        Assert.That(await second, Is.EqualTo("v1"));
        Assert.That(source.Loads, Is.EqualTo(1), "one load for both");
        Assert.That(harness.Observer.Events.Count(e => e.Details.HasFlag(CacheEventDetails.Coalesced)), Is.EqualTo(1));
    }

    [Test]
    public async Task InvalidationFromAnotherContainer_VoidsTheLease_SoTheLoadIsNotStored()
    {
        var source = new RowSource();
        source.Commit(Id, "v1");
        using var reader = CacheAsideHarness<IRowRepository>.Create(source, topology);
        using var writer = CacheAsideHarness<IRowRepository>.Create(source, topology, o => o.KeyPrefix = reader.Prefix);

        source.Gate.Close();
        var read = reader.Service.GetAsync(Id);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        source.Commit(Id, "v2");
        Assert.That(writer.Invalidator.Invalidate($"row:{Id}"), Is.True);
        source.Gate.Open();
        await read;

        Assert.That(reader.Redis.KeyExists(reader.Key($"row:{Id}")), Is.False);
        Assert.That(await reader.Service.GetAsync(Id), Is.EqualTo("v2"));
    }

    private static Task<string?> StartRead(IRowRepository repository, ReadShape shape) => shape switch
    {
        // A synchronous load blocks its thread at the gate, so it runs on a thread of its own.
        ReadShape.Sync => Task.Factory.StartNew(() => repository.Get(Id), TaskCreationOptions.LongRunning),
        ReadShape.Task => repository.GetAsync(Id),
        _ => repository.GetValueTaskAsync(Id).AsTask(),
    };
}

/// <summary>Reads of <see cref="IRowRepository"/> by shape.</summary>
public static class RowReads
{
    public static async Task<string?> Read(this IRowRepository repository, ReadShape shape, int id = 1) => shape switch
    {
        ReadShape.Sync => repository.Get(id),
        ReadShape.Task => await repository.GetAsync(id),
        _ => await repository.GetValueTaskAsync(id),
    };
}
