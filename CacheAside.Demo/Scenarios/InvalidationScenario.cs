namespace CacheAside.Demo.Scenarios;

/// <summary>The seed's step 5: a write through the write-marked method deletes the entry; the next read sees the new data.</summary>
public sealed class InvalidationScenario : IScenario
{
    private const int ProductId = 1;

    /// <inheritdoc/>
    public string Name => "invalidation";

    /// <inheritdoc/>
    public string Title => "Invalidation on write";

    /// <inheritdoc/>
    public string Shows => "Read (miss), read (hit), change the price through the repository's [Invalidates] method, read: a miss that returns the new price.";

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(DemoEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var ttl = TimeSpan.FromMinutes(5);
        using var catalog = environment.CreateCatalog(Name, ttl, productCount: 10);

        var first = await catalog.ReadAsync(ProductId, cancellationToken);
        await catalog.ReadAsync(ProductId, cancellationToken);
        var oldPrice = first.Value!.Price;
        var write = await catalog.ChangePriceAsync(ProductId, oldPrice + 5m, cancellationToken);
        var after = await catalog.ReadAsync(ProductId, cancellationToken);

        var conclusions = new[]
        {
            $"The write changed the price from {Show.Price(oldPrice)} to {Show.Price(write.Value!.Price)} {(write.Outcome == CallOutcome.Invalidated ? "and deleted the cached entry" : "but could not delete the cached entry (Redis unavailable)")}; the next read was a {after.Outcome.Text()} and returned {Show.Price(after.Value!.Price)}.",
            "Between a write and the next read, cache and database agree only because the write deleted the entry: a write that goes around the repository does not (see ttl-too-long).",
        };
        return new ScenarioResult(this, catalog.Calls, [Facts.TtlMs(ttl)], conclusions);
    }
}
