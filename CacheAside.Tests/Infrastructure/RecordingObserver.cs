using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CacheAside.Interception;

namespace CacheAside.Tests.Infrastructure;

/// <summary>Keeps every event, in order, for assertions.</summary>
public sealed class RecordingObserver : ICacheAsideObserver
{
    private static readonly AsyncLocal<StrongBox<CacheAsideEvent?>?> s_flow = new();
    private readonly ConcurrentQueue<CacheAsideEvent> _events = new();

    public IReadOnlyList<CacheAsideEvent> Events => _events.ToArray();

    public IReadOnlyList<CacheOutcome> Outcomes => _events.Select(e => e.Outcome).ToArray();

    public CacheAsideEvent Last => _events.Last();

    /// <summary>
    /// Starts watching the calls of the current flow: the box then holds the event of the last call made
    /// from here on (the observer runs in the caller's flow), for workloads with concurrent callers.
    /// </summary>
    public static StrongBox<CacheAsideEvent?> Watch() => s_flow.Value = new StrongBox<CacheAsideEvent?>();

    public void OnCall(in CacheAsideEvent cacheEvent)
    {
        _events.Enqueue(cacheEvent);
        if (s_flow.Value is { } box)
        {
            box.Value = cacheEvent;
        }
    }

    public void Clear() => _events.Clear();
}
