namespace CacheAside.Interception;

/// <summary>Details of an intercepted call beyond its <see cref="CacheOutcome"/>.</summary>
[Flags]
public enum CacheEventDetails
{
    /// <summary>Nothing to add.</summary>
    None = 0,

    /// <summary>The entry found in Redis could not be read (corrupt, another shape of the type, or not a string) and was treated as a miss.</summary>
    CorruptEntry = 1,

    /// <summary>Storing the result after a miss failed; the caller still got the result.</summary>
    StoreFailed = 2,

    /// <summary>The implementation threw, or its task faulted or was cancelled; nothing was stored or deleted.</summary>
    TargetFailed = 4,

    /// <summary>The value returned was <see langword="null"/>.</summary>
    NullValue = 8,

    /// <summary>The result was not stored: a <see langword="null"/> result of a method that does not cache them.</summary>
    NotStored = 16,

    /// <summary>
    /// Redis was not asked: the circuit breaker is open after repeated Redis failures (see
    /// <see cref="CacheAsideOptions.CircuitBreakerBreakDuration"/>). The call cost no Redis time.
    /// </summary>
    CircuitOpen = 32,
}
