using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's environment on the shared test Redis, with a source latency chosen per test.</summary>
public static class DemoSetup
{
    /// <summary>An environment whose database answers after <paramref name="sourceLatencyMs"/>.</summary>
    public static DemoEnvironment Environment(int sourceLatencyMs) =>
        new(SharedRedis.Connection, TimeSpan.FromMilliseconds(sourceLatencyMs));

    /// <summary>The reads of <paramref name="result"/>, in order.</summary>
    public static IReadOnlyList<CallRecord> Reads(this ScenarioResult result) =>
        result.Calls.Where(c => c.Kind == CallKind.Read).ToList();
}
