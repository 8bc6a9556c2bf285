using StackExchange.Redis;

namespace CacheAside.Demo.Scenarios;

/// <summary>
/// What every scenario shares: one Redis connection and the simulated network latency. Each scenario builds
/// its own <see cref="CachedCatalog"/> on it, with a key prefix of its own, so scenarios never see each
/// other's entries.
/// </summary>
public sealed class DemoEnvironment
{
    /// <summary>Creates an environment.</summary>
    /// <param name="connection">The Redis connection every container of the run shares; the caller owns it.</param>
    /// <param name="sourceLatency">The round-trip time the repository adds to every database call.</param>
    public DemoEnvironment(IConnectionMultiplexer connection, TimeSpan sourceLatency)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceLatency, TimeSpan.Zero);
        Connection = connection;
        SourceLatency = sourceLatency;
        RunId = Guid.NewGuid().ToString("N")[..8];
    }

    /// <summary>Gets the shared Redis connection.</summary>
    public IConnectionMultiplexer Connection { get; }

    /// <summary>Gets the round-trip time the repository adds to every database call.</summary>
    public TimeSpan SourceLatency { get; }

    /// <summary>Gets or sets how long each Redis command may take before the call goes on without the cache.</summary>
    /// <value>The default, <see langword="null"/>, keeps CacheAside's own default (<c>CacheAsideOptions.RedisTimeout</c>).</value>
    public TimeSpan? RedisTimeout { get; init; }

    /// <summary>Gets a short id that makes this run's keys its own.</summary>
    public string RunId { get; }

    /// <summary>
    /// Makes one read miss, one read hit and one write, unrecorded, so that the first recorded calls measure
    /// the cache and the database rather than the JIT compiler's first pass over the code.
    /// </summary>
    /// <param name="cancellationToken">Stops the warm-up.</param>
    /// <returns>A task that completes when the warm-up is done.</returns>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        using var catalog = CreateCatalog("warm-up", TimeSpan.FromMinutes(1), productCount: 1);
        await catalog.ReadAsync(1, cancellationToken);
        await catalog.ReadAsync(1, cancellationToken);
        await catalog.ChangePriceAsync(1, 1m, cancellationToken);
    }

    /// <summary>Seeds a new database and builds a container around its repository, with entries living for <paramref name="ttl"/>.</summary>
    /// <param name="name">The scenario (or pass) the catalog is for; part of its key prefix.</param>
    /// <param name="ttl">The time to live of cached reads.</param>
    /// <param name="productCount">How many products to seed.</param>
    /// <returns>The catalog; dispose it at the end of the scenario.</returns>
    public CachedCatalog CreateCatalog(string name, TimeSpan ttl, int productCount) =>
        CachedCatalog.Create(this, $"cacheaside:demo:{RunId}:{name}:", ttl, productCount);
}
