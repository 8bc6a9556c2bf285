namespace CacheAside.Interception.Internal.Redis;

/// <summary>What a GET found.</summary>
internal enum ReadStatus
{
    /// <summary>A string value is stored at the key.</summary>
    Found,

    /// <summary>Nothing is stored at the key.</summary>
    NotFound,

    /// <summary>Something other than a string is stored at the key (a list, say): unusable, and SET will replace it.</summary>
    WrongType,

    /// <summary>Redis failed or did not answer within the budget; see the error.</summary>
    Failed,

    /// <summary>Redis was not asked: the circuit breaker is open.</summary>
    Skipped,
}
