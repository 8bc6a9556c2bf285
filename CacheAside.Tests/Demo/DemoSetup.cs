using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's environment on the shared test Redis, with a source latency chosen per test.</summary>
public static class DemoSetup
{
    /// <summary>
    /// An environment whose database answers after <paramref name="sourceLatencyMs"/>. The scenarios' tests check which
    /// outcome each call has, never how fast Redis answers: their Redis budget is one no reply misses on a busy machine,
    /// where a GET past the default 50 ms would be a bypass (and a "hit" that paid the source's latency).
    /// </summary>
    public static DemoEnvironment Environment(int sourceLatencyMs) =>
        new(SharedRedis.Connection, TimeSpan.FromMilliseconds(sourceLatencyMs)) { RedisTimeout = TimeSpan.FromSeconds(1) };

    /// <summary>The reads of <paramref name="result"/>, in order.</summary>
    public static IReadOnlyList<CallRecord> Reads(this ScenarioResult result) =>
        result.Calls.Where(c => c.Kind == CallKind.Read).ToList();
}
