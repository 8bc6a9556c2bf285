namespace CacheAside.Interception;

/// <summary>The kind of work a <see cref="CacheAsideEvent"/> reports.</summary>
public enum CacheOperation
{
    /// <summary>A call to a method marked with <see cref="CachedAttribute"/>.</summary>
    Read,

    /// <summary>A call to a method marked with <see cref="InvalidatesAttribute"/>.</summary>
    Write,

    /// <summary>A call to <see cref="ICacheInvalidator"/>.</summary>
    Invalidate,
}
