namespace CacheAside.Demo.Scenarios;

/// <summary>Whether a recorded call read or wrote a product.</summary>
public enum CallKind
{
    /// <summary>A read of one product.</summary>
    Read,

    /// <summary>A change of one product.</summary>
    Write,
}
