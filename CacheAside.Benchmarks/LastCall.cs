using CacheAside.Interception;

namespace CacheAside.Benchmarks;

/// <summary>Remembers the last call's outcome, to know when the breaker has opened or caching is back.</summary>
internal sealed class LastCall : ICacheAsideObserver
{
    public CacheOutcome Outcome { get; private set; }

    public CacheEventDetails Details { get; private set; }

    public void OnCall(in CacheAsideEvent cacheEvent)
    {
        Outcome = cacheEvent.Outcome;
        Details = cacheEvent.Details;
    }
}
