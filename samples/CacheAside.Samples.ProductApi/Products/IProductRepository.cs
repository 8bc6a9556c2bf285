using CacheAside.Interception;

namespace CacheAside.Samples.ProductApi.Products;

/// <summary>
/// The repository the endpoints use. The attributes are all the caching there is: reads go through Redis,
/// and a successful update deletes the entry it changed. The interface must be public, for the proxy.
/// </summary>
public interface IProductRepository
{
    /// <summary>Reads a product: from Redis when it is there, otherwise from the database, then stored.</summary>
    [Cached("product:{id}")]
    Task<Product?> GetByIdAsync(int id, CancellationToken cancellationToken = default);

    /// <summary>Changes a product; once it succeeded, <c>product:{id}</c> is invalidated, so the next read sees the change.</summary>
    /// <returns><see langword="false"/> when there is no such product.</returns>
    [Invalidates("product:{product.Id}")]
    Task<bool> UpdateAsync(Product product, CancellationToken cancellationToken = default);
}
