namespace CacheAside.Demo.Scenarios;

/// <summary>The seed's step 4: with a 2 s TTL, a read 3 s after the first is a miss again.</summary>
/// <param name="ttl">The entries' time to live; the seed's 2 s by default.</param>
/// <param name="wait">The wait between the two reads; the seed's 3 s by default.</param>
public sealed class TtlScenario(TimeSpan? ttl = null, TimeSpan? wait = null) : IScenario
{
    private const int ProductId = 1;

    /// <summary>Gets the entries' time to live.</summary>
    public TimeSpan Ttl { get; } = ttl ?? TimeSpan.FromSeconds(2);

    /// <summary>Gets the wait between the two reads.</summary>
    public TimeSpan Wait { get; } = wait ?? TimeSpan.FromSeconds(3);

    /// <inheritdoc/>
    public string Name => "ttl";

    /// <inheritdoc/>
    public string Title => "TTL expiry";

    /// <inheritdoc/>
    public string Shows => $"A read, a wait of {Show.Duration(Wait)}, a read: with a TTL of {Show.Duration(Ttl)} the entry is gone and the second read is a miss.";

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(DemoEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        using var catalog = environment.CreateCatalog(Name, Ttl, productCount: 10);

        await catalog.ReadAsync(ProductId, cancellationToken);
        await Task.Delay(Wait, cancellationToken);
        var second = await catalog.ReadAsync(ProductId, cancellationToken);

        var conclusions = new[]
        {
            $"The read after {Show.Duration(Wait)} was a {second.Outcome.Text()}, though the value had been fetched {Show.Duration(Wait)} before.",
            $"Invariant: a value served from the cache was loaded from the database at most the TTL ({Show.Duration(Ttl)}) ago, so no read is staler than that; the price is one slow read per key per TTL.",
        };
        return new ScenarioResult(this, catalog.Calls, [Facts.TtlSeconds(Ttl), Facts.WaitSeconds(Wait), Facts.TtlMs(Ttl)], conclusions);
    }
}
