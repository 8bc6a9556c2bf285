using CacheAside.Interception;

namespace CacheAside.Tests.Fakes;

/// <summary>Reads without a TTL of their own: they live for CacheAsideOptions.DefaultTtl.</summary>
public interface IQuoteService
{
    [Cached("quote:{symbol}")]
    decimal GetQuote(string symbol);

    [Cached("quote:{symbol}")]
    Task<decimal> GetQuoteAsync(string symbol);
}

public sealed class QuoteSource : IQuoteService
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public decimal GetQuote(string symbol) => 100m + Interlocked.Increment(ref _calls);

    public Task<decimal> GetQuoteAsync(string symbol) => Task.FromResult(GetQuote(symbol));
}
