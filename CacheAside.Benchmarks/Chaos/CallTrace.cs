using System.Diagnostics;
using CacheAside.Interception;

namespace CacheAside.Benchmarks.Chaos;

/// <summary>
/// What one workload call learned on its way: how long the source took for it and what the cache did. Set
/// by the caller in an async-local before the call; the source and the observer (both run in the caller's
/// flow, or in the flow of the load it started) write into it.
/// </summary>
internal sealed class CallTrace : ICacheAsideObserver
{
    private static readonly AsyncLocal<Box?> s_current = new();

    public static Box Begin()
    {
        var box = new Box();
        s_current.Value = box;
        return box;
    }

    public static void AddSource(long started)
    {
        if (s_current.Value is { } box)
        {
            box.SourceTicks += Stopwatch.GetTimestamp() - started;
        }
    }

    public void OnCall(in CacheAsideEvent cacheEvent)
    {
        if (s_current.Value is { } box && cacheEvent.Operation == CacheOperation.Read)
        {
            box.Outcome = cacheEvent.Outcome;
            box.Details = cacheEvent.Details;
        }
    }

    internal sealed class Box
    {
        public long SourceTicks;
        public CacheOutcome Outcome;
        public CacheEventDetails Details;
    }
}
