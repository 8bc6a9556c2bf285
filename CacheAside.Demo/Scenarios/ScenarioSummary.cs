namespace CacheAside.Demo.Scenarios;

/// <summary>The figures of one scenario's calls.</summary>
/// <param name="Reads">Reads made.</param>
/// <param name="Hits">Reads answered from Redis.</param>
/// <param name="Misses">Reads that went to the database and stored their result.</param>
/// <param name="Bypasses">Reads that went to the database because Redis could not be used.</param>
/// <param name="HitRate">Hits divided by reads; 0 without reads.</param>
/// <param name="AvgHitMs">The mean latency of hits; <see langword="null"/> without hits.</param>
/// <param name="AvgMissMs">The mean latency of misses; <see langword="null"/> without misses.</param>
/// <param name="P95Ms">The 95th percentile latency of all reads (nearest rank); <see langword="null"/> without reads.</param>
/// <param name="TotalMs">The time spent inside all calls, reads and writes; waits between calls are not counted.</param>
/// <param name="StaleReads">Reads that returned something other than the database's row at that moment.</param>
public sealed record ScenarioSummary(
    int Reads,
    int Hits,
    int Misses,
    int Bypasses,
    double HitRate,
    double? AvgHitMs,
    double? AvgMissMs,
    double? P95Ms,
    double TotalMs,
    int StaleReads)
{
    /// <summary>Computes the figures of <paramref name="calls"/>.</summary>
    /// <param name="calls">The calls of one scenario.</param>
    /// <returns>The summary.</returns>
    public static ScenarioSummary Of(IReadOnlyList<CallRecord> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var reads = calls.Where(c => c.Kind == CallKind.Read).ToList();
        var hits = reads.Where(c => c.Outcome == CallOutcome.Hit).Select(c => c.ElapsedMs).ToList();
        var misses = reads.Where(c => c.Outcome == CallOutcome.Miss).Select(c => c.ElapsedMs).ToList();
        return new ScenarioSummary(
            reads.Count,
            hits.Count,
            misses.Count,
            reads.Count(c => c.Outcome == CallOutcome.Bypass),
            reads.Count == 0 ? 0 : (double)hits.Count / reads.Count,
            hits.Count == 0 ? null : hits.Average(),
            misses.Count == 0 ? null : misses.Average(),
            Percentile(reads.Select(c => c.ElapsedMs), 0.95),
            calls.Sum(c => c.ElapsedMs),
            reads.Count(c => c.Stale));
    }

    /// <summary>The nearest-rank percentile: the smallest value at least <paramref name="share"/> of the values are not above.</summary>
    /// <param name="values">The values.</param>
    /// <param name="share">The share, between 0 (exclusive) and 1.</param>
    /// <returns>The percentile, or <see langword="null"/> when there are no values.</returns>
    public static double? Percentile(IEnumerable<double> values, double share)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(share * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
