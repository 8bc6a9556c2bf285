using CacheAside.Interception;

namespace CacheAside.Tests.Fakes;

/// <summary>Two reads of one failing source: one with fail-safe and a soft timeout of its own, one without.</summary>
public interface IPriceFeed
{
    [Cached("price:{symbol}", TtlSeconds = 60, FailSafeSeconds = 300, SoftTimeoutSeconds = 0.2)]
    Task<decimal> PriceAsync(string symbol);

    [Cached("volume:{symbol}", TtlSeconds = 60)]
    Task<long> VolumeAsync(string symbol);
}

/// <summary>A feed whose answers tests set, and which throws while <see cref="Down"/> is set.</summary>
public sealed class PriceFeed : IPriceFeed
{
    private int _calls;

    public decimal Price { get; set; } = 100m;

    public bool Down { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public Task<decimal> PriceAsync(string symbol) => Answer(Price);

    public Task<long> VolumeAsync(string symbol) => Answer(5_000L);

    private Task<TValue> Answer<TValue>(TValue value)
    {
        Interlocked.Increment(ref _calls);
        return Down ? Task.FromException<TValue>(new TimeoutException("The feed did not answer.")) : Task.FromResult(value);
    }
}
