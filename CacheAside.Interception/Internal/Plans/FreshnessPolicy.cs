namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// How a method's entries stay fresh under load and outlive a failing source: early refresh, fail-safe and
/// the soft timeout, from <see cref="CacheAsideOptions"/> and the method's <see cref="CachedAttribute"/>.
/// </summary>
/// <param name="Beta">The β of probabilistic early refresh; 0 when off.</param>
/// <param name="FailSafeWindow">How long an entry is kept after its time to live as a fallback; zero when off.</param>
/// <param name="Throttle">How long a fallback served after a failure is served before the source is asked again.</param>
/// <param name="SoftTimeout">How long a caller with a fallback waits for the source; infinite when none.</param>
internal readonly record struct FreshnessPolicy(double Beta, TimeSpan FailSafeWindow, TimeSpan Throttle, TimeSpan SoftTimeout)
{
    public bool EarlyRefresh => Beta > 0;

    public bool FailSafe => FailSafeWindow > TimeSpan.Zero;

    public bool HasSoftTimeout => FailSafe && SoftTimeout != Timeout.InfiniteTimeSpan;

    /// <summary>The policy of a method whose attribute sets nothing of it.</summary>
    public static FreshnessPolicy From(CacheAsideOptions options) =>
        new(options.EarlyRefreshBeta, options.FailSafeWindow, options.FailSafeThrottle, options.SourceSoftTimeout);
}
