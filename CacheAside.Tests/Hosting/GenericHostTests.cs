using Autofac;
using Autofac.Extensions.DependencyInjection;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CacheAside.Tests.Hosting;

/// <summary>
/// CacheAside in the generic host, as a worker or an ASP.NET Core app runs it: Autofac as the host's service
/// provider, options from the host's configuration, the host's logging, services registered the
/// Microsoft.Extensions way, and what CacheAside created disposed when the host shuts down.
/// </summary>
public sealed class GenericHostTests
{
    [Test]
    public async Task HostWithAutofac_ReadsThroughRedis_ConfiguredFromTheHostsConfiguration()
    {
        using var server = RedisServer.Start();
        var store = new ProductStore();
        var observer = new RecordingObserver();
        using var host = BuildHost(server, store, services => services.AddSingleton<ICacheAsideObserver>(observer));
        await host.StartAsync();

        var products = host.Services.GetRequiredService<IProductRepository>();
        var first = await products.GetByIdAsync(4);
        var second = await products.GetByIdAsync(4);

        Assert.That(observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }), "an observer registered with services.AddSingleton is CacheAside's too");
        Assert.That((first, second, store.Reads), Is.EqualTo((store.Row(4), store.Row(4), 1)));
        using var redis = await ConnectionMultiplexer.ConnectAsync(server.Endpoint);
        Assert.That(await redis.GetDatabase().KeyExistsAsync("host-test:{product:4}"), Is.True, "the key prefix came from the host's configuration");
        await host.StopAsync();
    }

    [Test]
    public async Task HostsLoggerFactory_ReceivesCacheAsidesLogs()
    {
        using var server = RedisServer.Start();
        var logs = new RecordingLoggerProvider();
        using var host = BuildHost(server, new ProductStore(), logging: logs);
        await host.StartAsync();

        await host.Services.GetRequiredService<IProductRepository>().GetByIdAsync(1);

        var cacheAside = logs.Entries.Where(e => e.Category == CacheAsideDiagnostics.LoggerCategory).ToList();
        Assert.That(cacheAside.Select(e => e.EventId), Does.Contain(8), "the startup PING was logged through the host's logging");
        Assert.That(cacheAside.Single(e => e.EventId == 8).Message, Does.StartWith($"Connected to Redis at {server.Endpoint}"));
        Assert.That(cacheAside.Select(e => e.Message), Has.Some.StartsWith("Read IProductRepository.GetByIdAsync(int, CancellationToken): Miss in "), "Debug messages pass the host's minimum level");
        await host.StopAsync();
    }

    [Test]
    public async Task HostShutdown_DisposesTheConnectionsAndSubscriptionCacheAsideMade()
    {
        using var server = RedisServer.Start();
        using var redis = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var host = BuildHost(server, new ProductStore());
        await host.StartAsync();
        await host.Services.GetRequiredService<IProductRepository>().GetByIdAsync(1);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        Assert.That(Eventually.True(() => CacheAsideClients(redis, server).Distinct().Count() == 2 && LeaseSubscribers(redis) == 1), Is.True,
            $"while the host runs, the connections of CacheAside's two multiplexers and its subscription are open: {string.Join(", ", CacheAsideClients(redis, server))}, {LeaseSubscribers(redis)} subscriber(s)");

        await host.StopAsync();
        host.Dispose();

        Assert.That(multiplexer.IsConnected, Is.False, "the multiplexer CacheAside created was closed with the host");
        Assert.That(Eventually.True(() => CacheAsideClients(redis, server).Count == 0), Is.True, $"connections left open: {string.Join(", ", CacheAsideClients(redis, server))}");
        Assert.That(LeaseSubscribers(redis), Is.Zero, "the lease subscription ended with the host");
    }

    [Test]
    public async Task MultiplexerRegisteredWithServices_IsUsed_AndLeftToItsOwner()
    {
        using var server = RedisServer.Start();
        using var own = await ConnectionMultiplexer.ConnectAsync(server.Endpoint);
        var host = BuildHost(server, new ProductStore(), services => services.AddSingleton<IConnectionMultiplexer>(own), redisConfiguration: "127.0.0.1:1");
        await host.StartAsync();

        await host.Services.GetRequiredService<IProductRepository>().GetByIdAsync(2);
        await host.StopAsync();
        host.Dispose();

        Assert.That(await own.GetDatabase().KeyExistsAsync("host-test:{product:2}"), Is.True, "the registered multiplexer was the cache's, not one for the configuration's dead address");
        Assert.That(own.IsConnected, Is.True, "an instance the application registered is the application's to dispose");
    }

    private static IHost BuildHost(RedisServer server, ProductStore store, Action<IServiceCollection>? services = null, RecordingLoggerProvider? logging = null, string? redisConfiguration = null)
    {
        var builder = Host.CreateApplicationBuilder(TestHostSettings.Create());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheAside:RedisConfiguration"] = redisConfiguration ?? server.Endpoint,
            ["CacheAside:KeyPrefix"] = "host-test:",
            // A host's first Redis commands (JIT, the first script load) may outlast the default 50 ms on a loaded
            // machine, which would be a bypass, by design; these tests are about hits.
            ["CacheAside:RedisTimeout"] = "00:00:01",
        });
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logging);
        }

        services?.Invoke(builder.Services);
        builder.ConfigureContainer(new AutofacServiceProviderFactory(), container =>
        {
            container.RegisterCacheAside(builder.Configuration.GetSection("CacheAside"));
            container.RegisterInstance(store).As<IProductRepository>().ExternallyOwned().EnableCacheAside();
        });
        return builder.Build();
    }

    private static List<string> CacheAsideClients(ConnectionMultiplexer redis, RedisServer server) =>
        redis.GetServer(server.Endpoint).ClientList().Select(c => c.Name ?? string.Empty).Where(n => n.StartsWith("CacheAside-", StringComparison.Ordinal)).ToList();

    private static long LeaseSubscribers(ConnectionMultiplexer redis)
    {
        var reply = (RedisResult[])redis.GetDatabase().Execute("PUBSUB", "NUMSUB", "host-test:__leases")!;
        return (long)reply[1];
    }
}
