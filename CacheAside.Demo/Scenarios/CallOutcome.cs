namespace CacheAside.Demo.Scenarios;

/// <summary>What the cache did for one recorded call.</summary>
public enum CallOutcome
{
    /// <summary>A read answered from Redis.</summary>
    Hit,

    /// <summary>A read that went to the database and stored its result.</summary>
    Miss,

    /// <summary>A read that went to the database because Redis could not be used.</summary>
    Bypass,

    /// <summary>A write whose cached copy was deleted after it committed.</summary>
    Invalidated,

    /// <summary>A write that left the cached copy in place: it bypassed the interface, or Redis failed.</summary>
    NotInvalidated,
}
