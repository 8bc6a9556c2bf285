using CacheAside.Interception;

namespace CacheAside.Benchmarks;

/// <summary>A cached read of both kinds; its implementation answers at once, so a call's time is the cache's.</summary>
public interface IQuoteSource
{
    [Cached("quote:{symbol}", TtlSeconds = 600)]
    decimal Get(string symbol);

    [Cached("quote:{symbol}", TtlSeconds = 600)]
    Task<decimal> GetAsync(string symbol);
}

/// <summary>Answers at once: whatever a call through the proxy costs beyond this is what the cache adds.</summary>
public sealed class InstantQuotes : IQuoteSource
{
    public decimal Get(string symbol) => symbol.Length;

    public Task<decimal> GetAsync(string symbol) => Task.FromResult<decimal>(symbol.Length);
}
