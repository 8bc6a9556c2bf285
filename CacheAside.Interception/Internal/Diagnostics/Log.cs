using Microsoft.Extensions.Logging;

namespace CacheAside.Interception.Internal.Diagnostics;

/// <summary>
/// Every log message CacheAside writes. Keys are never logged at Information or above: they can carry
/// personal data. Methods are named instead. Redis errors are described by kind, not by their messages,
/// which StackExchange.Redis fills with key names; the full error, key names and all, goes to Trace.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Redis {Command} for {Method} failed ({ErrorType}: {Reason}); the call went on without the cache. Failures like it not logged since the last such warning: {HeldBack} (one is logged per {IntervalSeconds} s; all are counted in cacheaside.redis.errors).")]
    public static partial void RedisFailed(ILogger logger, string command, string method, string errorType, string reason, long heldBack, double intervalSeconds);

    [LoggerMessage(2, LogLevel.Warning, "Invalidation after {Method} failed ({ErrorType}: {Reason}); the write succeeded, and {KeyCount} entr(y/ies) are invalidated again in the background once Redis answers. Failures like it not logged since the last such warning: {HeldBack} (one is logged per {IntervalSeconds} s).")]
    public static partial void InvalidationFailed(ILogger logger, string method, string errorType, string reason, int keyCount, long heldBack, double intervalSeconds);

    [LoggerMessage(3, LogLevel.Warning, "A cache entry for {Method} could not be read ({Reason}); it was treated as a miss and is overwritten. Entries like it not logged since the last such warning: {HeldBack} (one is logged per {IntervalSeconds} s; all are counted in cacheaside.corrupt_entries).")]
    public static partial void CorruptEntry(ILogger logger, string method, string reason, long heldBack, double intervalSeconds);

    [LoggerMessage(4, LogLevel.Error, "An ICacheAsideObserver ({Observer}) threw; the call was not affected.")]
    public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);

    [LoggerMessage(5, LogLevel.Error, "Rendering the cache key for {Method} threw; the call went on without the cache.")]
    public static partial void KeyFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "{Operation} {Method}: {Outcome} in {ElapsedMs:0.###} ms.")]
    public static partial void Call(ILogger logger, CacheOperation operation, string method, CacheOutcome outcome, double elapsedMs);

    [LoggerMessage(7, LogLevel.Trace, "{Operation} {Method}: key {Key}.")]
    public static partial void CallKey(ILogger logger, CacheOperation operation, string method, string key);

    [LoggerMessage(8, LogLevel.Information, "Connected to Redis at {Endpoints}; PING answered in {ElapsedMs:0.###} ms.")]
    public static partial void Connected(ILogger logger, string endpoints, double elapsedMs);

    [LoggerMessage(9, LogLevel.Warning, "Redis at {Endpoints} did not answer PING at startup ({Reason}); calls go to their implementations until it does, and caching resumes by itself.")]
    public static partial void NotConnected(ILogger logger, string endpoints, string reason);

    [LoggerMessage(10, LogLevel.Warning, "The result of {Method} was returned uncached: {Problem}.")]
    public static partial void NotStored(ILogger logger, string method, string problem);

    [LoggerMessage(11, LogLevel.Error, "{Method} runs uncached for these type arguments: {Problems}")]
    public static partial void InstantiationUncached(ILogger logger, string method, string problems);

    [LoggerMessage(12, LogLevel.Trace, "Redis {Command} for {Method} failed.")]
    public static partial void RedisFailedDetail(ILogger logger, string command, string method, Exception exception);

    [LoggerMessage(13, LogLevel.Warning, "Redis circuit breaker opened after repeated failures (last: {Reason}); Redis is skipped for {BreakDurationMs:0} ms, then one call probes it.")]
    public static partial void CircuitOpened(ILogger logger, string reason, double breakDurationMs);

    [LoggerMessage(14, LogLevel.Information, "Redis circuit breaker half-open: the next call probes Redis.")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(15, LogLevel.Information, "Redis circuit breaker closed: Redis answered again, and caching resumed.")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(17, LogLevel.Debug, "Lease {LeaseEvent} for {Method}.")]
    public static partial void LeaseEvent(ILogger logger, string method, string leaseEvent);

    [LoggerMessage(18, LogLevel.Warning, "A result of {Method} was larger as an entry than CacheAsideOptions.MaxPayloadBytes ({Limit} bytes); results this large are returned uncached, and writing them stops at the limit. Raise the limit, or return less.")]
    public static partial void TooLarge(ILogger logger, string method, int limit);

    [LoggerMessage(19, LogLevel.Warning, "Redis {Command} for {Method} was refused: Redis is out of memory (maxmemory reached with the noeviction policy). Reads it can serve are still served. For a cache, set maxmemory-policy to allkeys-lru or volatile-ttl.")]
    public static partial void RedisOutOfMemory(ILogger logger, string command, string method);

    [LoggerMessage(20, LogLevel.Warning, "Subscribing to lease notifications failed ({Reason}); callers waiting for another process's load poll instead until the subscription succeeds.")]
    public static partial void SubscriptionFailed(ILogger logger, string reason);

    [LoggerMessage(21, LogLevel.Error, "An attempt to repair failed invalidations threw; the repairs go on.")]
    public static partial void RepairFailed(ILogger logger, Exception exception);

    [LoggerMessage(22, LogLevel.Debug, "Background refresh of {Method}: {Result}.")]
    public static partial void Refreshed(ILogger logger, string method, string result);

    [LoggerMessage(24, LogLevel.Warning, "ICacheInvalidator could not invalidate {KeyCount} entr(y/ies) ({ErrorType}: {Reason}); it returned false, and they are invalidated again in the background once Redis answers. Failures like it not logged since the last such warning: {HeldBack} (one is logged per {IntervalSeconds} s).")]
    public static partial void ExplicitInvalidationFailed(ILogger logger, string errorType, string reason, int keyCount, long heldBack, double intervalSeconds);

    [LoggerMessage(23, LogLevel.Warning, "{Method} was answered with its last stored value, past its time to live ({Reason}): fail-safe. Calls like it not logged since the last such warning: {HeldBack} (one is logged per {IntervalSeconds} s; all are counted in cacheaside.stale_served).")]
    public static partial void StaleServed(ILogger logger, string method, string reason, long heldBack, double intervalSeconds);
}
