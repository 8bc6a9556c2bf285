using CacheAside.Interception;

namespace CacheAside.Benchmarks.Compare;

/// <summary>The value every contender caches: about 200 bytes of JSON.</summary>
public sealed record Quote(int Id, string Symbol, string Name, string Exchange, string Currency, decimal Price, decimal Change, long Volume, DateTimeOffset Updated, string Note)
{
    public static Quote For(int id) => new(
        id,
        $"SYM{id:0000}",
        $"Example Holdings {id}",
        "XNYS",
        "USD",
        100m + (id % 97) + 0.25m,
        -1.5m,
        1_000_000L + id,
        new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
        "Delayed quote, for illustration only");
}

/// <summary>The repository the interception contenders stand in front of.</summary>
public interface IQuoteRepository
{
    [Cached("q:{id}", TtlSeconds = 3600)]
    Task<Quote> GetAsync(int id);

    [Cached("q:{id}", TtlSeconds = 3600)]
    Quote Get(int id);
}

/// <summary>Answers at once: a hit's cost is all the cache's.</summary>
public sealed class QuoteSource : IQuoteRepository
{
    public Task<Quote> GetAsync(int id) => Task.FromResult(Quote.For(id));

    public Quote Get(int id) => Quote.For(id);
}
