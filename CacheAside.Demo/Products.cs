using CacheAside.Interception;

namespace CacheAside.Demo;

public sealed record Product(int Id, string Name, decimal Price);

public interface IProductRepository
{
    [Cached("product:{id}", TtlSeconds = 60)]
    Task<Product?> GetByIdAsync(int id);
}

/// <summary>A repository behind a 100 ms network.</summary>
public sealed class SlowProductRepository : IProductRepository
{
    public async Task<Product?> GetByIdAsync(int id)
    {
        await Task.Delay(100);
        return new Product(id, $"Product {id}", 9.99m + id);
    }
}
