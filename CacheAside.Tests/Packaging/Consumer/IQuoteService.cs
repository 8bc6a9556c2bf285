using CacheAside.Interception;

namespace Consumer;

public interface IQuoteService
{
    [Cached("quote:{symbol}")]
    Task<string> GetQuoteAsync(string symbol);
}
