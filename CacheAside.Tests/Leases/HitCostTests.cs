using System.Globalization;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Leases;

/// <summary>Leases cost round trips only on a miss: a hit is still exactly one <c>GET</c>, and no script.</summary>
public sealed class HitCostTests
{
    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.ValueTask)]
    public async Task EachHit_IsOneGet_AndNoScript(ReadShape shape)
    {
        using var server = RedisServer.Start();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint);
        await harness.Service.Read(shape);
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var redis = admin.GetServer(admin.GetEndPoints()[0]);
        await redis.ConfigResetStatisticsAsync();

        for (var i = 0; i < 20; i++)
        {
            Assert.That(await harness.Service.Read(shape), Is.EqualTo("v1"));
        }

        var stats = await CommandStats(redis);
        Assert.That(harness.Observer.Outcomes.Skip(1), Is.All.EqualTo(CacheOutcome.Hit));
        Assert.That(stats.GetValueOrDefault("get"), Is.EqualTo(20));
        Assert.That(stats.Keys.Where(c => c.StartsWith("eval", StringComparison.Ordinal) || c is "set" or "hget" or "hset"), Is.Empty, string.Join(", ", stats));
    }

    [Test]
    public async Task AMiss_IsAGet_ALeaseScript_AndAStoreScript_ThreeRoundTrips()
    {
        using var server = RedisServer.Start();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint);
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var redis = admin.GetServer(admin.GetEndPoints()[0]);
        await redis.ConfigResetStatisticsAsync();

        await harness.Service.GetAsync(1);

        var stats = await CommandStats(redis);
        // Commands a script runs count in commandstats too: the lease script's GET and HSET, the store's SET.
        Assert.That(stats.GetValueOrDefault("evalsha") + stats.GetValueOrDefault("eval"), Is.EqualTo(2), string.Join(", ", stats));
        Assert.That(stats.GetValueOrDefault("get"), Is.EqualTo(2), "the plain GET, and the lease script's look for a value stored meanwhile");
        Assert.That(stats.GetValueOrDefault("set"), Is.EqualTo(1), "the store, inside its script");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task AMissThatLoadsNull_IsAGet_ALeaseScript_AndAStoreOrAReleaseScript(bool cachesNulls)
    {
        using var server = RedisServer.Start();
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var redis = admin.GetServer(admin.GetEndPoints()[0]);
        await redis.ConfigResetStatisticsAsync();

        var found = cachesNulls ? await harness.Service.FindAsync(404) : await harness.Service.GetByIdAsync(404);

        Assert.That(found, Is.Null);
        Dictionary<string, long> stats = [];
        Assert.That(
            Eventually.True(() => (stats = CommandStats(redis).GetAwaiter().GetResult()).GetValueOrDefault("evalsha") + stats.GetValueOrDefault("eval") == 2),
            Is.True,
            () => "the lease script, then the store (or, for a null not cached, the release sent in the background): " + string.Join(", ", stats));
        Assert.That(stats.GetValueOrDefault("get"), Is.EqualTo(2), "the plain GET, and the lease script's look for a value stored meanwhile");
        Assert.That(stats.GetValueOrDefault("set"), Is.EqualTo(cachesNulls ? 1 : 0), string.Join(", ", stats));
        Assert.That(stats.GetValueOrDefault("del"), Is.EqualTo(1), "the store ends the lease, or the release does");
    }

    /// <summary>
    /// A miss while another process loads the key: its <c>GET</c>, a lease script that finds the lease held and marks that
    /// someone waits, and after the notification one more lease script, which finds the stored value — three round
    /// trips, no store of its own. Counted from when the other process holds the lease, its load held at the gate.
    /// </summary>
    [Test]
    public async Task AMissThatWaitsForAnotherProcesssLoad_IsAGet_AndTwoLeaseScripts()
    {
        using var server = RedisServer.Start();
        var (holderSource, waiterSource) = (new RowSource(), new RowSource());
        holderSource.Commit(1, "v1");
        waiterSource.Commit(1, "v1");
        using var holder = CacheAsideHarness<IRowRepository>.CreateConnecting(holderSource, server.Endpoint, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var waiter = CacheAsideHarness<IRowRepository>.CreateConnecting(waiterSource, server.Endpoint, o =>
        {
            o.KeyPrefix = holder.Prefix;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
            o.LeaseWaitTimeout = TimeSpan.FromSeconds(10);
        });
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var redis = admin.GetServer(admin.GetEndPoints()[0]);
        var lease = holder.Key("row:1") + ":lease";
        Assert.That(Eventually.True(() => (long)admin.GetDatabase().Execute("PUBSUB", "NUMSUB", holder.Prefix + "__leases")[1] == 2), Is.True, "both processes listen for lease news");
        holderSource.Gate.Close();
        var holding = holder.Service.GetAsync(1);
        Assert.That(holderSource.Gate.WaitForArrival(), Is.True, "the holder holds the lease, its load held");
        await redis.ConfigResetStatisticsAsync();

        var waiting = waiter.Service.GetAsync(1);
        Assert.That(Eventually.True(() => admin.GetDatabase().HashExists(lease, "w")), Is.True, "the waiter waits");
        holderSource.Gate.Open();

        Assert.That(await waiting, Is.EqualTo("v1"));
        Assert.That(await holding, Is.EqualTo("v1"));
        var stats = await CommandStats(redis);
        Assert.That(waiter.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(waiter.Observer.Last.Details.HasFlag(CacheEventDetails.WaitedForLoader), Is.True);
        Assert.That(waiterSource.Loads, Is.EqualTo(0));
        Assert.That(stats.GetValueOrDefault("evalsha") + stats.GetValueOrDefault("eval"), Is.EqualTo(3), () => "the waiter's two lease scripts and the holder's store: " + string.Join(", ", stats));
        Assert.That(stats.GetValueOrDefault("get"), Is.EqualTo(3), () => "the waiter's GET and its lease scripts' looks for a value: " + string.Join(", ", stats));
        Assert.That(stats.GetValueOrDefault("set"), Is.EqualTo(1), () => "the holder's store only: " + string.Join(", ", stats));
        Assert.That(stats.GetValueOrDefault("publish"), Is.EqualTo(1), () => "the store tells the waiter: " + string.Join(", ", stats));
    }

    /// <summary>Calls per command since the statistics were reset, from <c>INFO commandstats</c>.</summary>
    private static async Task<Dictionary<string, long>> CommandStats(IServer server)
    {
        var info = await server.InfoAsync("commandstats");
        var stats = new Dictionary<string, long>();
        foreach (var entry in info.SelectMany(g => g))
        {
            // cmdstat_get: calls=20,usec=...
            var name = entry.Key.Replace("cmdstat_", string.Empty, StringComparison.Ordinal);
            var calls = entry.Value.Split(',')[0].Split('=')[1];
            stats[name] = long.Parse(calls, CultureInfo.InvariantCulture);
        }

        return stats;
    }
}
