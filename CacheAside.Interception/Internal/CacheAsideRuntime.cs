using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Redis;

namespace CacheAside.Interception.Internal;

/// <summary>The collaborators every plan of one container shares.</summary>
internal sealed class CacheAsideRuntime
{
    public CacheAsideRuntime(CacheAsideOptions options, RedisCacheStore store, CacheAsideTelemetry telemetry)
    {
        Options = options;
        Store = store;
        Telemetry = telemetry;
        Keys = new KeyBuilder(options.KeyPrefix, options.MaxKeyLength);
    }

    public CacheAsideOptions Options { get; }

    public RedisCacheStore Store { get; }

    public CacheAsideTelemetry Telemetry { get; }

    public KeyBuilder Keys { get; }

    /// <summary>
    /// Throws <see cref="CacheUnavailableException"/> for a Redis command that failed or was skipped, when
    /// <see cref="CacheAsideOptions.ThrowOnRedisErrors"/> asks for it; does nothing otherwise.
    /// </summary>
    public void ThrowIfRequested(string command, string method, Exception error)
    {
        if (!Options.ThrowOnRedisErrors)
        {
            return;
        }

        var what = RedisErrors.IsCircuitOpen(error)
            ? "was skipped: the circuit breaker is open after repeated Redis failures"
            : $"failed ({RedisErrors.Describe(error)})";
        throw new CacheUnavailableException(
            $"Redis {command.ToUpperInvariant()} for {method} {what}; CacheAsideOptions.ThrowOnRedisErrors is on, so this is thrown instead of going on without the cache.",
            RedisErrors.IsCircuitOpen(error) ? null : error);
    }

    /// <summary>Adds the configured random share to <paramref name="ttl"/>, so entries stored together expire apart.</summary>
    public TimeSpan WithJitter(TimeSpan ttl) => Options.TtlJitter == 0
        ? ttl
        : ttl + TimeSpan.FromTicks((long)(ttl.Ticks * Options.TtlJitter * Random.Shared.NextDouble()));
}
