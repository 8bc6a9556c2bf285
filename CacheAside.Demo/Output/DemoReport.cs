using CacheAside.Demo.Scenarios;

namespace CacheAside.Demo.Output;

/// <summary>Everything one run of the demo did.</summary>
/// <param name="Redis">The Redis configuration used, without its password.</param>
/// <param name="SourceLatencyMs">The simulated round-trip time of the database, in milliseconds.</param>
/// <param name="Scenarios">The scenarios' results, in the order they ran.</param>
public sealed record DemoReport(string Redis, double SourceLatencyMs, IReadOnlyList<ScenarioResult> Scenarios);
