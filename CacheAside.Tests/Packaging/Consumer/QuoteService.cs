namespace Consumer;

/// <summary>A new answer on every call, so a second equal answer can only have come from the cache.</summary>
public sealed class QuoteService : IQuoteService
{
    public Task<string> GetQuoteAsync(string symbol) => Task.FromResult($"{symbol} {Guid.NewGuid():N}");
}
