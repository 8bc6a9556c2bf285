using System.Collections.Concurrent;
using CacheAside.Interception;

namespace CacheAside.Tests.Infrastructure;

/// <summary>Keeps every event, in order, for assertions.</summary>
public sealed class RecordingObserver : ICacheAsideObserver
{
    private readonly ConcurrentQueue<CacheAsideEvent> _events = new();

    public IReadOnlyList<CacheAsideEvent> Events => _events.ToArray();

    public IReadOnlyList<CacheOutcome> Outcomes => _events.Select(e => e.Outcome).ToArray();

    public CacheAsideEvent Last => _events.Last();

    public void OnCall(in CacheAsideEvent cacheEvent) => _events.Enqueue(cacheEvent);

    public void Clear() => _events.Clear();
}
