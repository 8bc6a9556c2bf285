using System.Collections.Concurrent;

namespace CacheAside.Samples.ProductApi.Products;

/// <summary>
/// Stands in for a database: a table in memory behind a round trip of <see cref="Latency"/>, so the cache's
/// effect shows. Replace it with your own repository; nothing in it knows about the cache.
/// </summary>
public sealed class InMemoryProductRepository : IProductRepository
{
    private readonly ConcurrentDictionary<int, Product> _rows = new(Enumerable.Range(1, 100)
        .Select(id => KeyValuePair.Create(id, new Product(id, $"Product {id}", 10m + id))));

    /// <summary>Gets the simulated round trip to the database.</summary>
    public static TimeSpan Latency { get; } = TimeSpan.FromMilliseconds(20);

    public async Task<Product?> GetByIdAsync(int id, CancellationToken cancellationToken = default)
    {
        await Task.Delay(Latency, cancellationToken);
        return _rows.GetValueOrDefault(id);
    }

    public async Task<bool> UpdateAsync(Product product, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(product);
        await Task.Delay(Latency, cancellationToken);
        return _rows.TryGetValue(product.Id, out var current) && _rows.TryUpdate(product.Id, product, current);
    }
}
