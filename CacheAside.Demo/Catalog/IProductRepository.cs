using CacheAside.Interception;

namespace CacheAside.Demo.Catalog;

/// <summary>
/// The repository every scenario calls, as an application would: a cached read and a write that
/// invalidates it. Nothing else in the demo knows about the cache.
/// </summary>
/// <remarks>
/// The read sets no <see cref="CachedAttribute.TtlSeconds"/> on purpose: it then lives for
/// <see cref="CacheAsideOptions.DefaultTtl"/>, which each scenario's container sets to the TTL that
/// scenario is about.
/// </remarks>
public interface IProductRepository
{
    /// <summary>Reads one product; <see langword="null"/> when there is no such row.</summary>
    /// <param name="id">The product's id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The product, or <see langword="null"/>.</returns>
    [Cached("product:{id}")]
    Task<Product?> GetByIdAsync(int id, CancellationToken cancellationToken = default);

    /// <summary>Changes a product's price; once the change is committed, the cached copy is deleted.</summary>
    /// <param name="id">The product's id.</param>
    /// <param name="price">The new price.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The product as it is now stored.</returns>
    /// <exception cref="KeyNotFoundException">There is no product with this id.</exception>
    [Invalidates("product:{id}")]
    Task<Product> ChangePriceAsync(int id, decimal price, CancellationToken cancellationToken = default);
}
