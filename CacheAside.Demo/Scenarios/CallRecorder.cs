using System.Collections.Concurrent;
using CacheAside.Interception;

namespace CacheAside.Demo.Scenarios;

/// <summary>
/// The observer registered in each scenario's container: the library reports every intercepted call to
/// it, and the scenario takes the report of the call it just made.
/// </summary>
public sealed class CallRecorder : ICacheAsideObserver
{
    private readonly ConcurrentQueue<CacheAsideEvent> _events = new();

    /// <inheritdoc/>
    public void OnCall(in CacheAsideEvent cacheEvent) => _events.Enqueue(cacheEvent);

    /// <summary>Takes the one event the last call produced.</summary>
    /// <param name="call">The call, for the error message.</param>
    /// <returns>The event.</returns>
    /// <exception cref="InvalidOperationException">The call produced no event, or more than one.</exception>
    public CacheAsideEvent TakeSingle(string call)
    {
        if (!_events.TryDequeue(out var cacheEvent))
        {
            throw new InvalidOperationException($"{call} reported nothing to the cache observer: is the repository registered with EnableCacheAside()?");
        }

        if (!_events.IsEmpty)
        {
            throw new InvalidOperationException($"{call} reported more than one event to the cache observer; scenarios make one call at a time.");
        }

        return cacheEvent;
    }
}
