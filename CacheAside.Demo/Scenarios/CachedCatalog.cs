using System.Diagnostics;
using Autofac;
using CacheAside.Demo.Catalog;
using CacheAside.Interception;
using StackExchange.Redis;

namespace CacheAside.Demo.Scenarios;

/// <summary>
/// One scenario's world: a freshly seeded products database and an Autofac container that puts the cache
/// in front of its repository, built the way an application builds it. Every call goes through the
/// repository interface and is recorded with the outcome the library reported and the latency the caller saw.
/// </summary>
public sealed class CachedCatalog : IDisposable
{
    private readonly IContainer _container;
    private readonly CallRecorder _recorder;
    private readonly IConnectionMultiplexer _connection;
    private readonly List<CallRecord> _calls = [];
    private readonly long _started = Stopwatch.GetTimestamp();

    private CachedCatalog(IContainer container, CallRecorder recorder, IConnectionMultiplexer connection, ProductDatabase database, string prefix)
    {
        _container = container;
        _connection = connection;
        _recorder = recorder;
        Database = database;
        Prefix = prefix;
        Repository = container.Resolve<IProductRepository>();
    }

    /// <summary>Gets the repository as the application sees it: the cache-aside proxy.</summary>
    public IProductRepository Repository { get; }

    /// <summary>Gets the database behind the repository.</summary>
    public ProductDatabase Database { get; }

    /// <summary>Gets the key prefix of this catalog's cache entries.</summary>
    public string Prefix { get; }

    /// <summary>Gets the calls made so far, in order.</summary>
    public IReadOnlyList<CallRecord> Calls => _calls;

    /// <summary>Gets the milliseconds since the catalog was built.</summary>
    public double ElapsedMs => Stopwatch.GetElapsedTime(_started).TotalMilliseconds;

    internal static CachedCatalog Create(DemoEnvironment environment, string prefix, TimeSpan ttl, int productCount)
    {
        var database = ProductDatabase.CreateSeeded(productCount);
        try
        {
            var recorder = new CallRecorder();
            var builder = new ContainerBuilder();
            // One connection for the whole run, shared by every scenario's container; the run owns it.
            builder.RegisterInstance(environment.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
            builder.RegisterInstance(recorder).As<ICacheAsideObserver>();
            builder.RegisterCacheAside(options =>
            {
                options.KeyPrefix = prefix;
                options.DefaultTtl = ttl;
                if (environment.RedisTimeout is { } budget)
                {
                    options.RedisTimeout = budget;
                }
            });
            builder.Register(_ => new SqliteProductRepository(database, environment.SourceLatency))
                .As<IProductRepository>()
                .SingleInstance()
                .EnableCacheAside();
            return new CachedCatalog(builder.Build(), recorder, environment.Connection, database, prefix);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>The full Redis key of product <paramref name="id"/>, as the repository's read renders it.</summary>
    /// <param name="id">The product's id.</param>
    /// <returns>The key, prefix included.</returns>
    public string KeyOf(int id) => $"{Prefix}{{product:{id}}}";

    /// <summary>Reads product <paramref name="id"/> through the repository, and records the call.</summary>
    /// <param name="id">The product's id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The record.</returns>
    public async Task<CallRecord> ReadAsync(int id, CancellationToken cancellationToken = default)
    {
        var startedAt = ElapsedMs;
        var started = Stopwatch.GetTimestamp();
        var product = await Repository.GetByIdAsync(id, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var reported = _recorder.TakeSingle($"GetByIdAsync({id})");

        // What the database holds now: a read that returned anything else served stale data.
        var current = await Database.FindAsync(id, cancellationToken);
        var outcome = reported.Outcome switch
        {
            CacheOutcome.Hit => CallOutcome.Hit,
            CacheOutcome.Miss => CallOutcome.Miss,
            CacheOutcome.Bypass => CallOutcome.Bypass,
            _ => throw new InvalidOperationException($"A read reported the outcome {reported.Outcome}."),
        };
        return Add(new CallRecord(_calls.Count + 1, CallKind.Read, reported.Key, outcome, elapsed, product != current, startedAt, product));
    }

    /// <summary>Changes a price through the repository, whose write is marked to invalidate, and records the call.</summary>
    /// <param name="id">The product's id.</param>
    /// <param name="price">The new price.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The record.</returns>
    public async Task<CallRecord> ChangePriceAsync(int id, decimal price, CancellationToken cancellationToken = default)
    {
        var startedAt = ElapsedMs;
        var started = Stopwatch.GetTimestamp();
        var product = await Repository.ChangePriceAsync(id, price, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var reported = _recorder.TakeSingle($"ChangePriceAsync({id})");
        var outcome = reported.Outcome == CacheOutcome.Invalidated ? CallOutcome.Invalidated : CallOutcome.NotInvalidated;
        return Add(new CallRecord(_calls.Count + 1, CallKind.Write, reported.Key, outcome, elapsed, false, startedAt, product));
    }

    /// <summary>
    /// Changes a price with SQL straight against the database, as another service or a migration script
    /// would: the repository interface is not involved, so nothing is invalidated.
    /// </summary>
    /// <param name="id">The product's id.</param>
    /// <param name="price">The new price.</param>
    /// <param name="cancellationToken">Stops the update.</param>
    /// <returns>The record.</returns>
    public async Task<CallRecord> ChangePriceBehindTheCacheAsync(int id, decimal price, CancellationToken cancellationToken = default)
    {
        var startedAt = ElapsedMs;
        var started = Stopwatch.GetTimestamp();
        var product = await Database.UpdatePriceAsync(id, price, cancellationToken)
            ?? throw new KeyNotFoundException($"There is no product {id}.");
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return Add(new CallRecord(_calls.Count + 1, CallKind.Write, KeyOf(id), CallOutcome.NotInvalidated, elapsed, false, startedAt, product, BypassedInterface: true));
    }

    /// <summary>Deletes this catalog's cache entries (without waiting), disposes the container and deletes the database.</summary>
    public void Dispose()
    {
        // The run's entries would expire by themselves; a demo tidies up a Redis it may share with others.
        // Fire-and-forget: tidying never waits on, or fails because of, a Redis that is down.
        // One DEL per key: on a Redis Cluster the keys live in different slots, and a DEL across slots is refused.
        if (_connection.IsConnected)
        {
            var redis = _connection.GetDatabase();
            foreach (var key in _calls.Select(c => new RedisKey(c.Key)).Distinct())
            {
                redis.KeyDelete(key, CommandFlags.FireAndForget);
            }
        }

        _container.Dispose();
        Database.Dispose();
    }

    private CallRecord Add(CallRecord record)
    {
        _calls.Add(record);
        return record;
    }
}
