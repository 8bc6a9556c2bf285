namespace CacheAside.Interception;

/// <summary>
/// Thrown to the caller of a cached or invalidating method, or of <see cref="ICacheInvalidator"/>, when
/// Redis failed, did not answer within <see cref="CacheAsideOptions.RedisTimeout"/>, or was skipped by the
/// open circuit breaker — and only when <see cref="CacheAsideOptions.ThrowOnRedisErrors"/> is on. By
/// default such failures are absorbed and the call goes on without the cache.
/// </summary>
/// <remarks>
/// The message names the method and the Redis command, never the key or a password.
/// <see cref="Exception.InnerException"/> is the error StackExchange.Redis reported (absent when the circuit
/// breaker skipped Redis); its message can name keys.
/// </remarks>
public sealed class CacheUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CacheUnavailableException()
        : base("Redis could not serve a cache operation.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public CacheUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the Redis error behind it.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The Redis error, or <see langword="null"/>.</param>
    public CacheUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
