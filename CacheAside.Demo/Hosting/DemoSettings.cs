using CacheAside.Demo.Scenarios;

namespace CacheAside.Demo.Hosting;

/// <summary>What the command line asked for.</summary>
/// <param name="Scenario">A scenario's name, or <c>all</c>.</param>
/// <param name="Redis">The <c>--redis</c> configuration string, or <see langword="null"/> when not given.</param>
/// <param name="Json">Whether to write one JSON document instead of tables.</param>
/// <param name="Workload">The Zipf workload of <c>zipf</c> and <c>ttl-too-short</c>.</param>
/// <param name="SourceLatency">The simulated round trip to the database.</param>
public sealed record DemoSettings(string Scenario, string? Redis, bool Json, ZipfWorkload Workload, TimeSpan SourceLatency);
