namespace CacheAside.Demo.Scenarios;

/// <summary>The seed's step 3: ten reads of one key; the first is slow, the other nine near-instant.</summary>
public sealed class TenCallsScenario : IScenario
{
    private const int ProductId = 1;
    private const int Reads = 10;

    /// <inheritdoc/>
    public string Name => "ten-calls";

    /// <inheritdoc/>
    public string Title => "Ten reads of one key";

    /// <inheritdoc/>
    public string Shows => "The first read misses and pays the database's latency; reads 2 to 10 are answered from Redis.";

    /// <inheritdoc/>
    public async Task<ScenarioResult> RunAsync(DemoEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var ttl = TimeSpan.FromMinutes(5);
        using var catalog = environment.CreateCatalog(Name, ttl, productCount: 10);

        for (var read = 0; read < Reads; read++)
        {
            await catalog.ReadAsync(ProductId, cancellationToken);
        }

        var calls = catalog.Calls;
        var rest = calls.Skip(1).ToList();
        var conclusions = new[]
        {
            $"Read 1 took {Show.Ms(calls[0].ElapsedMs)} ({calls[0].Outcome.Text()}); reads 2-10 took {Show.Ms(rest.Average(c => c.ElapsedMs))} on average ({rest.Count(c => c.Outcome == CallOutcome.Hit)} hits); all ten took {Show.Ms(calls.Sum(c => c.ElapsedMs))}.",
        };
        return new ScenarioResult(this, calls, [Facts.TtlMs(ttl)], conclusions);
    }
}
