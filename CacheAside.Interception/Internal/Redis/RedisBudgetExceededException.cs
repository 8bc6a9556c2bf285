namespace CacheAside.Interception.Internal.Redis;

/// <summary>An async Redis command that did not answer within <see cref="CacheAsideOptions.RedisTimeout"/>.</summary>
internal sealed class RedisBudgetExceededException : TimeoutException
{
    public RedisBudgetExceededException(TimeSpan budget)
        : base($"no answer within {budget.TotalMilliseconds:0.###} ms (CacheAsideOptions.RedisTimeout)")
    {
    }

    public RedisBudgetExceededException()
    {
    }

    public RedisBudgetExceededException(string message)
        : base(message)
    {
    }

    public RedisBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
