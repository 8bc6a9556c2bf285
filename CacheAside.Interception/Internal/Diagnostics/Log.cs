using Microsoft.Extensions.Logging;

namespace CacheAside.Interception.Internal.Diagnostics;

/// <summary>
/// Every log message CacheAside writes. Keys are never logged at Information or above: they can carry
/// personal data. Methods are named instead.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Redis {Command} for {Method} failed ({ErrorType}: {ErrorMessage}); the call went on without the cache.")]
    public static partial void RedisFailed(ILogger logger, string command, string method, string errorType, string errorMessage);

    [LoggerMessage(2, LogLevel.Warning, "Invalidation after {Method} failed ({ErrorType}: {ErrorMessage}); the write succeeded, and {KeyCount} stale entr(y/ies) live until their time to live ends.")]
    public static partial void InvalidationFailed(ILogger logger, string method, string errorType, string errorMessage, int keyCount);

    [LoggerMessage(3, LogLevel.Warning, "A cache entry for {Method} could not be read ({Reason}); it was treated as a miss and is overwritten.")]
    public static partial void CorruptEntry(ILogger logger, string method, string reason);

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

    [LoggerMessage(9, LogLevel.Warning, "Redis at {Endpoints} did not answer PING at startup ({ErrorMessage}); calls go to their implementations until it does, and caching resumes by itself.")]
    public static partial void NotConnected(ILogger logger, string endpoints, string errorMessage);

    [LoggerMessage(10, LogLevel.Error, "The result of {Method} could not be serialized; it was returned uncached.")]
    public static partial void EncodeFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(11, LogLevel.Error, "{Method} runs uncached for these type arguments: {Problems}")]
    public static partial void InstantiationUncached(ILogger logger, string method, string problems);
}
