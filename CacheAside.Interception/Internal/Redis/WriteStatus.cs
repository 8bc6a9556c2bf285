namespace CacheAside.Interception.Internal.Redis;

/// <summary>What became of a SET or DEL.</summary>
internal enum WriteStatus
{
    /// <summary>Redis confirmed the command.</summary>
    Done,

    /// <summary>Redis failed or did not answer within the budget; see the error.</summary>
    Failed,

    /// <summary>Redis was not asked: the circuit breaker is open.</summary>
    Skipped,
}
