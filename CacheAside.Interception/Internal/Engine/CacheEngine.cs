using System.Collections.Concurrent;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Redis;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// The cache of one container: the read and the write algorithms, each written once, that every method
/// plan runs — synchronous methods in a mode that completes synchronously, asynchronous ones awaiting — and
/// the state they share (local loads in flight, lease waiters, the notification subscription). It owns
/// what lives as long as the container and disposes it with the container.
/// </summary>
/// <remarks>
/// The class is split by concern: <c>.Read.cs</c> (the read path), <c>.Stampede.cs</c> (loads shared in this
/// process), <c>.Leases.cs</c> (the lease protocol across processes), <c>.Write.cs</c> (writes and
/// invalidation), <c>.Failures.cs</c> (what a Redis failure means for a call), <c>.Repair.cs</c> (failed invalidations, retried),
/// <c>.Freshness.cs</c> (when an entry is fresh, early refresh, fail-safe).
/// </remarks>
internal sealed partial class CacheEngine : IDisposable
{
    private readonly ConcurrentDictionary<string, object> _asyncFlights = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> _syncFlights = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly RedisChannel _channel;
    private readonly RedisValue _channelValue;
    private int _disposed;

    public CacheEngine(CacheAsideOptions options, RedisStore store, CacheAsideTelemetry telemetry)
    {
        Options = options;
        Store = store;
        Telemetry = telemetry;
        Keys = new KeyBuilder(options.KeyPrefix, options.MaxKeyLength);
        _time = options.TimeProvider;
        var channel = options.KeyPrefix + "__leases";
        _channel = RedisChannel.Literal(channel);
        _channelValue = channel;
        store.Breaker.AfterClosed = WakeRepairs;
        store.Breaker.AfterOpened = WakeAllLeaseWaiters;
    }

    public CacheAsideOptions Options { get; }

    public RedisStore Store { get; }

    public CacheAsideTelemetry Telemetry { get; }

    public KeyBuilder Keys { get; }

    /// <summary>Gets how often a synchronous call found its work not completed synchronously (a bug if ever above zero).</summary>
    internal int SyncFallbacks => Volatile.Read(ref _syncFallbacks);

    private int _syncFallbacks;

    /// <summary>
    /// Starts what runs beside calls: the subscription that tells lease waiters a value landed, and the
    /// repairs of failed invalidations, kept for <paramref name="longestLifetime"/> (the longest an entry lives).
    /// </summary>
    public void Start(TimeSpan longestLifetime)
    {
        EnsureSubscribed();
        StartRepairs(longestLifetime);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StopSubscription();
        StopRepairs();
        Store.Dispose();
    }

    /// <summary>Waits for a synchronous-mode operation; it has always completed, the fallback only keeps a bug from hanging.</summary>
    private T RunSynchronously<T>(ValueTask<T> pending)
    {
        if (pending.IsCompleted)
        {
            return pending.GetAwaiter().GetResult();
        }

        Interlocked.Increment(ref _syncFallbacks);
        return pending.AsTask().GetAwaiter().GetResult();
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Adds the configured random share to <paramref name="ttl"/>, so entries stored together expire apart.</summary>
    private TimeSpan WithJitter(TimeSpan ttl) => Options.TtlJitter == 0
        ? ttl
        : ttl + TimeSpan.FromTicks((long)(ttl.Ticks * Options.TtlJitter * Random.Shared.NextDouble()));
}
