namespace CacheAside.Interception;

/// <summary>One intercepted call, as reported to every <see cref="ICacheAsideObserver"/>.</summary>
/// <remarks>
/// Keys are reported in full: they can contain personal data (an e-mail address as a lookup key, say), so
/// treat them as such where events are stored.
/// </remarks>
public readonly struct CacheAsideEvent
{
    internal CacheAsideEvent(CacheOperation operation, string method, IReadOnlyList<string> keys, CacheOutcome outcome, TimeSpan elapsed, CacheEventDetails details)
    {
        Operation = operation;
        Method = method;
        Keys = keys;
        Outcome = outcome;
        Elapsed = elapsed;
        Details = details;
    }

    /// <summary>Gets the kind of call.</summary>
    public CacheOperation Operation { get; }

    /// <summary>Gets the method, as <c>IProductRepository.GetById(int)</c>; <c>ICacheInvalidator</c> for explicit invalidation.</summary>
    public string Method { get; }

    /// <summary>Gets the Redis keys the call read or deleted, prefix included.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Gets the first of <see cref="Keys"/>: for a read, its only key.</summary>
    public string Key => Keys.Count > 0 ? Keys[0] : string.Empty;

    /// <summary>Gets what the cache did.</summary>
    public CacheOutcome Outcome { get; }

    /// <summary>Gets the time the whole call took, the implementation's time included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Gets details beyond <see cref="Outcome"/>.</summary>
    public CacheEventDetails Details { get; }
}
