using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Cluster;

/// <summary>
/// Writes that invalidate keys in several hash slots: on a cluster every key is gone (one script per slot,
/// never a command across slots); on a single server they all go in one round trip.
/// </summary>
public sealed class ClusterInvalidationTests
{
    [Test]
    public async Task InvalidationOfKeysInThreeSlots_RemovesEveryOne_OnACluster()
    {
        var source = new Triple();
        using var harness = CacheAsideHarness<ITriple>.Create(source, Topology.Cluster);
        await harness.Service.AAsync(7);
        await harness.Service.BAsync(7);
        await harness.Service.CAsync(7);
        var keys = new[] { "a:7", "b:7", "c:7" }.Select(k => (RedisKey)harness.Key(k)).ToArray();
        Assert.That(keys.Select(k => SharedRedis.ClusterConnection.HashSlot(k)).Distinct().Count(), Is.EqualTo(3), "three slots");
        Assert.That(keys.Select(k => SharedRedis.ClusterConnection.GetServer(k).EndPoint).Distinct().Count(), Is.GreaterThan(1), "on more than one primary");
        Assert.That(keys, Has.All.Matches<RedisKey>(k => harness.Redis.KeyExists(k)));

        await harness.Service.WriteAsync(7);

        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Invalidated));
        Assert.That(keys, Has.None.Matches<RedisKey>(k => harness.Redis.KeyExists(k)));
        Assert.That(await harness.Service.AAsync(7), Is.EqualTo("a2"));
    }

    [Test]
    public async Task InvalidationOfKeysInThreeSlots_IsOneRoundTrip_OnASingleServer()
    {
        using var server = RedisServer.Start();
        using var proxy = new DelayProxy(server.Port);
        var source = new Triple();
        using var harness = CacheAsideHarness<ITriple>.CreateConnecting(source, proxy.Endpoint, o => o.RedisTimeout = TimeSpan.FromSeconds(2));
        await harness.Service.AAsync(7);
        await harness.Service.BAsync(7);
        await harness.Service.CAsync(7);
        proxy.Delay = TimeSpan.FromMilliseconds(100);

        var written = Stopwatch.StartNew();
        await harness.Service.WriteAsync(7);
        written.Stop();

        TestContext.Out.WriteLine($"invalidating three slots through a 100 ms-each-way network took {written.ElapsedMilliseconds} ms");
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Invalidated));
        Assert.That(written.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(190)).And.LessThan(TimeSpan.FromMilliseconds(390)), "one round trip of 200 ms, not three");
    }

    [Test]
    public void DatabaseOtherThanZero_OnACluster_FailsTheBuildWithTheFix()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.ClusterConnection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside(o => o.Database = 3);
        builder.RegisterInstance(new Triple()).As<ITriple>().EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Problems.Single(), Does.StartWith("CacheAsideOptions.Database is 3, but Redis at ").And.EndWith("is a cluster, which has only database 0: set Database to -1 (the default) or 0, and tell entries of different applications apart with KeyPrefix."));
    }
}

public interface ITriple
{
    [Cached("a:{id}")]
    Task<string> AAsync(int id);

    [Cached("b:{id}")]
    Task<string> BAsync(int id);

    [Cached("c:{id}")]
    Task<string> CAsync(int id);

    [Invalidates("a:{id}")]
    [Invalidates("b:{id}")]
    [Invalidates("c:{id}")]
    Task WriteAsync(int id);

    [Invalidates("a:{id}")]
    [Invalidates("b:{id}")]
    [Invalidates("c:{id}")]
    void Write(int id);
}

public sealed class Triple : ITriple
{
    private int _version = 1;

    public Task<string> AAsync(int id) => Task.FromResult("a" + Volatile.Read(ref _version));

    public Task<string> BAsync(int id) => Task.FromResult("b" + Volatile.Read(ref _version));

    public Task<string> CAsync(int id) => Task.FromResult("c" + Volatile.Read(ref _version));

    public Task WriteAsync(int id)
    {
        Write(id);
        return Task.CompletedTask;
    }

    public void Write(int id) => Interlocked.Increment(ref _version);
}
