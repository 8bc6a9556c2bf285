namespace CacheAside.Demo.Scenarios;

/// <summary>
/// The second TTL failure mode: a write that goes around the repository (a direct database update, as
/// another service or a script makes) leaves the cached copy in place, and reads return the old data until
/// the TTL ends. Each stale read is marked.
/// </summary>
/// <param name="ttl">The entries' time to live; 3 s by default.</param>
/// <param name="readInterval">The time between reads after the write; 0.5 s by default.</param>
public sealed class TtlTooLongScenario(TimeSpan? ttl = null, TimeSpan? readInterval = null) : IScenario
{
    private const int ProductId = 1;
    private const int ReadsAfterExpiry = 2;

    /// <summary>Gets the entries' time to live.</summary>
    public TimeSpan Ttl { get; } = ttl ?? TimeSpan.FromSeconds(3);

    /// <summary>Gets the time between reads after the write.</summary>
    public TimeSpan ReadInterval { get; } = readInterval ?? TimeSpan.FromMilliseconds(500);

    /// <inheritdoc/>
    public string Name => "ttl-too-long";

    /// <inheritdoc/>
    public string Title => "TTL too long";

    /// <inheritdoc/>
    public string Shows => $"The price changes in the database behind the repository's back; with a TTL of {Show.Duration(Ttl)} the cache keeps serving the old price until the entry expires.";

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(DemoEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        using var catalog = environment.CreateCatalog(Name, Ttl, productCount: 10);

        var first = await catalog.ReadAsync(ProductId, cancellationToken);
        await catalog.ReadAsync(ProductId, cancellationToken);
        var write = await catalog.ChangePriceBehindTheCacheAsync(ProductId, first.Value!.Price + 5m, cancellationToken);

        // Read on until the old price is gone — the entry expired (a miss), or was refreshed in the background
        // just before its TTL ended (early refresh: a hit on the new row) — then a little longer.
        // Bounded, so a cache that never expires cannot keep the demo running.
        var maxReads = (int)Math.Ceiling(Ttl / ReadInterval) + 5;
        CallRecord? refreshed = null;
        for (var read = 0; read < maxReads && refreshed is null; read++)
        {
            await Task.Delay(ReadInterval, cancellationToken);
            var call = await catalog.ReadAsync(ProductId, cancellationToken);
            if (call.Outcome != CallOutcome.Hit || !call.Stale)
            {
                refreshed = call;
            }
        }

        for (var read = 0; read < ReadsAfterExpiry && refreshed is not null; read++)
        {
            await Task.Delay(ReadInterval, cancellationToken);
            await catalog.ReadAsync(ProductId, cancellationToken);
        }

        var stale = catalog.Calls.Where(c => c.Stale).ToList();
        var writtenAt = write.StartedAtMs + write.ElapsedMs;
        // How long after the write the cache went on serving the old price: until the first fresh read after it.
        var staleForMs = stale.Count == 0 ? 0
            : refreshed is null ? catalog.ElapsedMs - writtenAt
            : refreshed.StartedAtMs + refreshed.ElapsedMs - writtenAt;
        var conclusions = new List<string>
        {
            stale.Count == 0
                ? "No read returned the old price."
                : $"{stale.Count} reads returned the old price {Show.Price(first.Value.Price)} though the database held {Show.Price(write.Value!.Price)}: stale for {Show.Ms(staleForMs)} after the write.",
            refreshed is null
                ? "The entry had not expired when the scenario stopped reading."
                : refreshed.Outcome == CallOutcome.Hit
                    ? $"Read {refreshed.Index} was a hit on the entry refreshed in the background just before its TTL ended, and returned {Show.Price(refreshed.Value!.Price)}; no read after it was stale."
                    : $"Read {refreshed.Index} was a {refreshed.Outcome.Text()} and returned {Show.Price(refreshed.Value!.Price)}; no read after it was stale.",
            $"A write that bypasses the repository is seen only when the TTL ends: keep the TTL no longer than the staleness you accept, or have the writer call ICacheInvalidator.Invalidate($\"product:{{id}}\").",
        };
        ScenarioFact[] facts =
        [
            Facts.TtlMs(Ttl),
            new("staleReads", stale.Count, "stale reads", Show.Number(stale.Count)),
            new("staleForMs", Math.Round(staleForMs, 1), "stale for", Show.Ms(staleForMs)),
        ];
        return new ScenarioResult(this, catalog.Calls, facts, conclusions);
    }
}
