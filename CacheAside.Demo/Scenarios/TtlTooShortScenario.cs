namespace CacheAside.Demo.Scenarios;

/// <summary>
/// The first TTL failure mode: the Zipf workload again, with a TTL shorter than the time between two reads
/// of the same key, so entries expire before anyone reads them again and the hit rate collapses.
/// </summary>
/// <param name="workload">The workload; <see cref="ZipfWorkload.Default"/> when <see langword="null"/>.</param>
/// <param name="shortTtl">The TTL that is too short; half the source latency (at least 1 ms) when <see langword="null"/>.</param>
public sealed class TtlTooShortScenario(ZipfWorkload? workload = null, TimeSpan? shortTtl = null) : IScenario
{
    /// <summary>Gets the workload.</summary>
    public ZipfWorkload Workload { get; } = workload ?? ZipfWorkload.Default;

    /// <inheritdoc/>
    public string Name => "ttl-too-short";

    /// <inheritdoc/>
    public string Title => "TTL too short";

    /// <inheritdoc/>
    public string Shows => "The Zipf workload with a TTL shorter than the gap between two reads of a product: entries expire unread and the hit rate collapses.";

    /// <summary>
    /// The TTL used when none is given: half the source latency. Between two reads of a product there is
    /// almost always at least one miss, which takes the full source latency, so the entry is gone by then.
    /// </summary>
    /// <param name="sourceLatency">The source latency.</param>
    /// <returns>The TTL, at least 1 ms.</returns>
    public static TimeSpan DefaultShortTtl(TimeSpan sourceLatency) =>
        TimeSpan.FromMilliseconds(Math.Max(1, Math.Round(sourceLatency.TotalMilliseconds / 2)));

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(DemoEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var sequence = Workload.Sample();
        var ttl = shortTtl ?? DefaultShortTtl(environment.SourceLatency);

        // The same sequence with a well-tuned TTL first, on a cache of its own, for comparison.
        ScenarioSummary tuned;
        using (var tunedCatalog = environment.CreateCatalog($"{Name}:tuned", ZipfScenario.TunedTtl, Workload.Keys))
        {
            await ZipfScenario.ReadAllAsync(tunedCatalog, sequence, cancellationToken);
            tuned = ScenarioSummary.Of(tunedCatalog.Calls);
        }

        using var catalog = environment.CreateCatalog(Name, ttl, Workload.Keys);
        await ZipfScenario.ReadAllAsync(catalog, sequence, cancellationToken);

        var summary = ScenarioSummary.Of(catalog.Calls);
        var gap = MedianRepeatGapMs(catalog.Calls);
        var conclusions = new[]
        {
            $"Hit rate {Show.Percent(summary.HitRate)} with a TTL of {Show.Duration(ttl)}, against {Show.Percent(tuned.HitRate)} with a TTL of {Show.Duration(ZipfScenario.TunedTtl)} on the same reads.",
            gap is { } median
                ? $"Two reads of the same product were {Show.Ms(median)} apart (median): longer than the TTL, so the entry had already expired, and each expiry cost a {Show.Ms(summary.AvgMissMs)} miss."
                : "No product was read twice, so no TTL could have helped.",
            "Choose a TTL longer than the typical gap between reads of a key, and as long as the staleness you can accept.",
        };
        ScenarioFact[] facts =
        [
            Facts.TtlMs(ttl),
            new("tunedTtlMs", ZipfScenario.TunedTtl.TotalMilliseconds, "well-tuned TTL", Show.Duration(ZipfScenario.TunedTtl)),
            new("tunedHitRate", tuned.HitRate, "well-tuned hit rate", Show.Percent(tuned.HitRate)),
            .. Facts.Workload(Workload, sequence),
            new("medianRepeatGapMs", Math.Round(gap ?? 0, 1), "median gap between reads of a product", Show.Ms(gap)),
        ];
        return new ScenarioResult(this, catalog.Calls, facts, conclusions);
    }

    /// <summary>
    /// The median time from the end of one read of a key (when its entry was stored) to the start of the
    /// next read of the same key.
    /// </summary>
    /// <param name="calls">The calls, in order.</param>
    /// <returns>The median in milliseconds, or <see langword="null"/> when no key was read twice.</returns>
    public static double? MedianRepeatGapMs(IReadOnlyList<CallRecord> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var lastEnd = new Dictionary<string, double>();
        var gaps = new List<double>();
        foreach (var call in calls.Where(c => c.Kind == CallKind.Read))
        {
            if (lastEnd.TryGetValue(call.Key, out var end))
            {
                gaps.Add(call.StartedAtMs - end);
            }

            lastEnd[call.Key] = call.StartedAtMs + call.ElapsedMs;
        }

        return ScenarioSummary.Percentile(gaps, 0.5);
    }
}
