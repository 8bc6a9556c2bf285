namespace CacheAside.Interception;

/// <summary>What the cache did for one intercepted call.</summary>
public enum CacheOutcome
{
    /// <summary>A read answered from Redis; the implementation was not called.</summary>
    Hit,

    /// <summary>A read Redis had no usable entry for; the implementation was called and its result stored.</summary>
    Miss,

    /// <summary>
    /// A read that went to the implementation because Redis failed, did not answer within
    /// <see cref="CacheAsideOptions.RedisTimeout"/>, or was skipped by the open circuit breaker
    /// (<see cref="CacheEventDetails.CircuitOpen"/>). Nothing was stored.
    /// </summary>
    Bypass,

    /// <summary>A write that completed and whose keys were deleted from Redis.</summary>
    Invalidated,

    /// <summary>A write whose implementation failed: nothing was deleted.</summary>
    NotInvalidated,

    /// <summary>
    /// A write that completed but whose delete failed because Redis failed, timed out or was skipped by the
    /// open circuit breaker: the old entries live until their time to live ends.
    /// </summary>
    InvalidationFailed,
}
