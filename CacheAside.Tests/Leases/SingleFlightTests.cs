using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Leases;

/// <summary>
/// A cold hot key costs one source call: concurrent misses share one load in a process, and processes
/// share one load through the lease, the others waiting for its store.
/// </summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class SingleFlightTests(Topology topology)
{
    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A Redis budget no reply misses, even with a hundred callers on a busy two-core machine: a command past the
    /// default 50 ms would make its caller bypass and load by itself, and these tests count the loads.
    /// </summary>
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(1);

    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    [TestCase(ReadShape.Sync)]
    public async Task HundredConcurrentMissesInOneContainer_CallTheSourceOnce(ReadShape shape)
    {
        var source = new RowSource(s_latency);
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, topology, o => o.RedisTimeout = s_budget);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => shape.Start(() => harness.Service.Read(shape))));

        Assert.That(results, Is.All.EqualTo("v1"));
        Assert.That(source.Loads, Is.EqualTo(1));
        Assert.That(harness.Observer.Events.Count(e => e.Outcome == CacheOutcome.Miss && !e.Details.HasFlag(CacheEventDetails.Coalesced)), Is.EqualTo(1), "one caller loaded");
    }

    [Test]
    public async Task FiftyCallersInEachOfTwoContainers_OnOneColdKey_CallTheSourceOnce()
    {
        var source = new RowSource(s_latency);
        source.Commit(1, "v1");
        using var loads = new MetricCapture(CacheAsideDiagnostics.Loads);
        using var first = CacheAsideHarness<IRowRepository>.CreateConnecting(source, SharedRedis.EndpointsOf(topology), o => o.RedisTimeout = s_budget);
        using var second = CacheAsideHarness<IRowRepository>.CreateConnecting(source, SharedRedis.EndpointsOf(topology), o =>
        {
            o.KeyPrefix = first.Prefix;
            o.RedisTimeout = s_budget;
        });

        var calls = Enumerable.Range(0, 100).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).Service.GetAsync(1)));
        var results = await Task.WhenAll(calls);

        Assert.That(results, Is.All.EqualTo("v1"));
        Assert.That(source.Loads, Is.EqualTo(1), "one source call across both containers");
        Assert.That(loads.Total, Is.EqualTo(1));
        var waited = first.Observer.Events.Concat(second.Observer.Events).Count(e => e.Details.HasFlag(CacheEventDetails.WaitedForLoader));
        Assert.That(waited, Is.GreaterThan(0), "the other container waited for the lease holder's store");
    }

    [Test]
    public async Task SourceException_ReachesEveryCallerThatSharedTheLoad_AndNothingIsStored()
    {
        var source = new RowSource(s_latency);
        source.Commit(1, "v1");
        source.FailNext(1);
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, topology, o => o.RedisTimeout = s_budget);

        var calls = Enumerable.Range(0, 10).Select(_ => harness.Service.GetAsync(1)).ToArray();
        var errors = new List<Exception>();
        foreach (var call in calls)
        {
            errors.Add((await Assert.ThrowsAsync<InvalidOperationException>(() => call))!);
        }

        Assert.That(errors.Select(e => e.Message), Is.All.EqualTo("The database is unavailable."));
        Assert.That(errors.Distinct().Count(), Is.EqualTo(1), "the one exception the source threw, unchanged");
        Assert.That(source.Loads, Is.EqualTo(1));
        Assert.That(harness.Redis.KeyExists(harness.Key("row:1")), Is.False);
        Assert.That(harness.Redis.KeyExists(harness.Key("row:1") + ":lease"), Is.False, "the loader released its lease at once");
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"), "the next call loads");
    }

    [Test]
    public async Task SyncAndAsyncCallersOfOneKey_ShareOneLoad_ThroughTheLease()
    {
        var source = new RowSource(s_latency);
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, topology, o => o.RedisTimeout = s_budget);

        var calls = Enumerable.Range(0, 20)
            .Select(i => i % 2 == 0 ? ReadShape.Sync.Start(() => harness.Service.Read(ReadShape.Sync)) : harness.Service.GetAsync(1))
            .ToArray();
        var results = await Task.WhenAll(calls);

        Assert.That(results, Is.All.EqualTo("v1"));
        Assert.That(source.Loads, Is.EqualTo(1), "synchronous callers wait for the asynchronous load through Redis, or the other way round");
    }
}
