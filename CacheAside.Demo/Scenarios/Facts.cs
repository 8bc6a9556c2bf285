namespace CacheAside.Demo.Scenarios;

/// <summary>The facts scenarios report, each under its one JSON name.</summary>
public static class Facts
{
    /// <summary>The TTL of the scenario's entries (<c>ttlMs</c>).</summary>
    /// <param name="ttl">The TTL.</param>
    /// <returns>The fact.</returns>
    public static ScenarioFact TtlMs(TimeSpan ttl) => new("ttlMs", ttl.TotalMilliseconds, "TTL", Show.Duration(ttl));

    /// <summary>The TTL in seconds (<c>ttlSeconds</c>).</summary>
    /// <param name="ttl">The TTL.</param>
    /// <returns>The fact.</returns>
    public static ScenarioFact TtlSeconds(TimeSpan ttl) => new("ttlSeconds", ttl.TotalSeconds, "TTL (s)", Show.Number(ttl.TotalSeconds));

    /// <summary>The wait between two reads, in seconds (<c>waitSeconds</c>).</summary>
    /// <param name="wait">The wait.</param>
    /// <returns>The fact.</returns>
    public static ScenarioFact WaitSeconds(TimeSpan wait) => new("waitSeconds", wait.TotalSeconds, "wait (s)", Show.Number(wait.TotalSeconds));

    /// <summary>The Zipf workload's parameters and its cold-start ceiling (<c>keys</c>, <c>skew</c>, <c>seed</c>, <c>theoreticalHitRate</c>).</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="sequence">The keys it drew.</param>
    /// <returns>The facts.</returns>
    public static IEnumerable<ScenarioFact> Workload(ZipfWorkload workload, IReadOnlyList<int> sequence)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var ceiling = ZipfWorkload.ColdStartCeiling(sequence);
        yield return new ScenarioFact("keys", workload.Keys, "keys", Show.Number(workload.Keys));
        yield return new ScenarioFact("skew", workload.Skew, "skew", Show.Number(workload.Skew));
        yield return new ScenarioFact("seed", workload.Seed, "seed", Show.Number(workload.Seed));
        yield return new ScenarioFact("theoreticalHitRate", ceiling, "cold-start ceiling", $"{Show.Percent(ceiling)} (1 - {sequence.Distinct().Count()} distinct / {sequence.Count} calls)");
    }
}
