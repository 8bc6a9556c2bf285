using Autofac;
using CacheAside.Interception;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// A container as a user builds it — RegisterCacheAside, a repository registered with EnableCacheAside —
/// on the shared Redis server, with a key prefix of its own so no two tests see each other's entries.
/// </summary>
public sealed class CacheAsideHarness<TService> : IDisposable
    where TService : class
{
    private CacheAsideHarness(IContainer container, string prefix, RecordingObserver observer, LogCapture logs)
    {
        Container = container;
        Prefix = prefix;
        Observer = observer;
        Logs = logs;
        Redis = container.Resolve<IConnectionMultiplexer>().GetDatabase();
        Service = container.Resolve<TService>();
    }

    public IContainer Container { get; }

    /// <summary>Gets the proxied service, as callers see it.</summary>
    public TService Service { get; }

    public string Prefix { get; }

    public RecordingObserver Observer { get; }

    /// <summary>Gets every log message the container's CacheAside wrote, at every level.</summary>
    public LogCapture Logs { get; }

    /// <summary>Gets the Redis database the cache uses, for checking entries directly.</summary>
    public IDatabase Redis { get; }

    public ICacheInvalidator Invalidator => Container.Resolve<ICacheInvalidator>();

    /// <summary>Builds a container around <paramref name="implementation"/> on the shared server (or on <paramref name="connection"/>).</summary>
    public static CacheAsideHarness<TService> Create(TService implementation, Action<CacheAsideOptions>? configure = null, IConnectionMultiplexer? connection = null)
    {
        connection ??= SharedRedis.Connection;
        return Build(implementation, configure, builder => builder.RegisterInstance(connection).As<IConnectionMultiplexer>().ExternallyOwned());
    }

    /// <summary>Builds a container around <paramref name="implementation"/> on the shared server or the shared cluster.</summary>
    public static CacheAsideHarness<TService> Create(TService implementation, Topology topology, Action<CacheAsideOptions>? configure = null)
    {
        var connection = SharedRedis.ConnectionOf(topology);
        return Build(implementation, configure, builder => builder.RegisterInstance(connection).As<IConnectionMultiplexer>().ExternallyOwned());
    }

    /// <summary>
    /// Builds a container that connects by itself, from <paramref name="redisConfiguration"/>, as a user who
    /// registers no multiplexer does: the multiplexer and its settings are CacheAside's.
    /// </summary>
    public static CacheAsideHarness<TService> CreateConnecting(TService implementation, string redisConfiguration, Action<CacheAsideOptions>? configure = null) =>
        Build(implementation, o =>
        {
            o.RedisConfiguration = redisConfiguration;
            configure?.Invoke(o);
        });

    private static CacheAsideHarness<TService> Build(TService implementation, Action<CacheAsideOptions>? configure, Action<ContainerBuilder>? register = null)
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        var observer = new RecordingObserver();
        var logs = new LogCapture();
        var builder = new ContainerBuilder();
        register?.Invoke(builder);
        builder.RegisterInstance(observer).As<ICacheAsideObserver>();
        builder.RegisterInstance(logs).As<ILoggerFactory>();
        builder.RegisterCacheAside(o =>
        {
            o.KeyPrefix = prefix;
            configure?.Invoke(o);
        });
        builder.RegisterInstance(implementation).As<TService>().ExternallyOwned().EnableCacheAside();
        return new CacheAsideHarness<TService>(builder.Build(), prefix, observer, logs);
    }

    /// <summary>The full Redis key for a key rendered without the prefix: the prefix, then the key in its hash tag.</summary>
    public string Key(string keyWithoutPrefix) => Prefix + "{" + keyWithoutPrefix + "}";

    public void Dispose() => Container.Dispose();
}
