namespace CacheAside.Demo.Scenarios;

/// <summary>
/// The seed's step 6: reads of keys drawn from a Zipf distribution, with a TTL longer than the run, so the
/// hit rate can be set beside the best any cache could reach on the same sequence from a cold start.
/// </summary>
/// <param name="workload">The workload; <see cref="ZipfWorkload.Default"/> when <see langword="null"/>.</param>
public sealed class ZipfScenario(ZipfWorkload? workload = null) : IScenario
{
    /// <summary>The TTL of a well-tuned cache for this workload: far longer than the run, so nothing expires during it.</summary>
    public static readonly TimeSpan TunedTtl = TimeSpan.FromMinutes(5);

    /// <summary>Gets the workload.</summary>
    public ZipfWorkload Workload { get; } = workload ?? ZipfWorkload.Default;

    /// <inheritdoc/>
    public string Name => "zipf";

    /// <inheritdoc/>
    public string Title => "Zipf workload";

    /// <inheritdoc/>
    public string Shows => $"{Workload.Calls} reads over {Workload.Keys} products, a few very hot and many rare (Zipf, skew {Show.Number(Workload.Skew)}): hit rate and latency, next to the cold-start ceiling.";

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(DemoEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var sequence = Workload.Sample();
        using var catalog = environment.CreateCatalog(Name, TunedTtl, Workload.Keys);

        await ReadAllAsync(catalog, sequence, cancellationToken);

        var summary = ScenarioSummary.Of(catalog.Calls);
        var ceiling = ZipfWorkload.ColdStartCeiling(sequence);
        var distinct = sequence.Distinct().Count();
        var conclusions = new[]
        {
            $"Hit rate {Show.Percent(summary.HitRate)}; the ceiling from a cold start is {Show.Percent(ceiling)}: {distinct} distinct products in {sequence.Count} reads, and the first read of each must miss.",
            $"Hits took {Show.Ms(summary.AvgHitMs)} on average, misses {Show.Ms(summary.AvgMissMs)}; p95 of all reads {Show.Ms(summary.P95Ms)}.",
            "A warm cache on this workload does better: each further read of a product already seen is a hit until its TTL ends (try --calls 1000).",
        };
        return new ScenarioResult(this, catalog.Calls, [.. Facts.Workload(Workload, sequence), Facts.TtlMs(TunedTtl)], conclusions);
    }

    /// <summary>Reads every product of <paramref name="sequence"/>, in order, through the catalog's repository.</summary>
    /// <param name="catalog">The catalog.</param>
    /// <param name="sequence">The product ids.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>A task that completes after the last read.</returns>
    public static async Task ReadAllAsync(CachedCatalog catalog, IReadOnlyList<int> sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(sequence);
        foreach (var id in sequence)
        {
            await catalog.ReadAsync(id, cancellationToken);
        }
    }
}
