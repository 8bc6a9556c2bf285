namespace CacheAside.Interception.Internal.Plans;

/// <summary>What the cache does around a method.</summary>
internal enum MethodKind
{
    /// <summary>Cache-aside read: <see cref="CachedAttribute"/>.</summary>
    Read,

    /// <summary>Invalidating write: <see cref="InvalidatesAttribute"/>.</summary>
    Write,
}
