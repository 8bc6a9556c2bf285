using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Redis is down when the process starts: the container builds at once, calls return the implementation's
/// answers, and caching starts by itself when Redis comes up — no restart, no new container.
/// </summary>
public sealed class RedisNeverStartedTests
{
    [Test]
    public async Task ContainerBuildsQuickly_CallsBypass_AndCachingStartsWhenRedisComesUp()
    {
        using var server = RedisServer.Create();
        var store = new ProductStore();
        var building = Stopwatch.StartNew();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o => o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(1));
        var buildTime = building.Elapsed;

        var answers = new[] { harness.Service.GetById(4), await harness.Service.GetByIdAsync(4), await harness.Service.GetByIdValueTaskAsync(4) };

        Assert.That(buildTime, Is.LessThan(TimeSpan.FromSeconds(5)), "the container does not wait long for a Redis that is down");
        Assert.That(answers, Is.All.EqualTo(store.Row(4)));
        Assert.That(harness.Observer.Outcomes, Is.All.EqualTo(CacheOutcome.Bypass));
        Assert.That(harness.Logs.WithId(9), Is.Not.Empty, "startup warned that Redis did not answer");

        server.Restart();
        var waited = Stopwatch.StartNew();
        var hit = false;
        while (!hit && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await harness.Service.GetByIdAsync(4);
            hit = harness.Observer.Last.Outcome == CacheOutcome.Hit;
            await Task.Delay(50);
        }

        TestContext.Out.WriteLine($"build {buildTime.TotalMilliseconds:0} ms; first hit {waited.Elapsed.TotalMilliseconds:0} ms after Redis started");
        Assert.That(hit, Is.True, "caching started after Redis came up");
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("product:4")), Is.True);
    }

    [Test]
    public void ConfigurationWithoutConnectTimeout_GetsAShortOne_AndTheBudgetAsTimeouts()
    {
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(o =>
        {
            o.RedisConfiguration = $"127.0.0.1:{RedisServer.FreePort()},syncTimeout=5000";
            o.RedisTimeout = TimeSpan.FromMilliseconds(80);
        });
        using var container = builder.Build();

        var configuration = ConfigurationOptions.Parse(container.Resolve<IConnectionMultiplexer>().Configuration);

        Assert.That(configuration.ConnectTimeout, Is.EqualTo(1000));
        Assert.That(configuration.SyncTimeout, Is.EqualTo(80));
        Assert.That(configuration.AsyncTimeout, Is.EqualTo(80));
        Assert.That(configuration.AbortOnConnectFail, Is.False);
    }

    [Test]
    public void ConfigurationWithConnectTimeout_KeepsIt()
    {
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(o => o.RedisConfiguration = $"127.0.0.1:{RedisServer.FreePort()},ConnectTimeout=1500");
        using var container = builder.Build();

        var configuration = ConfigurationOptions.Parse(container.Resolve<IConnectionMultiplexer>().Configuration);

        Assert.That(configuration.ConnectTimeout, Is.EqualTo(1500));
    }
}
