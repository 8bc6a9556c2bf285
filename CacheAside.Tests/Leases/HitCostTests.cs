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
