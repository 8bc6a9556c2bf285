using CacheAside.Interception;

namespace CacheAside.Tests.Fakes;

/// <summary>A repository as users write one: cached reads of every shape, invalidating writes of every shape.</summary>
public interface IProductRepository
{
    [Cached("product:{id}", TtlSeconds = 60)]
    Product? GetById(int id);

    [Cached("product:{id}", TtlSeconds = 60)]
    Task<Product?> GetByIdAsync(int id, CancellationToken cancellationToken = default);

    [Cached("product:{id}", TtlSeconds = 60)]
    ValueTask<Product?> GetByIdValueTaskAsync(int id);

    [Cached("product-or-null:{id}", TtlSeconds = 60, NullTtlSeconds = 1)]
    Task<Product?> FindAsync(int id);

    [Cached("product-count")]
    int Count();

    [Invalidates("product:{product.Id}")]
    void Update(Product product);

    [Invalidates("product:{product.Id}")]
    Task UpdateAsync(Product product);

    [Invalidates("product:{product.Id}")]
    Task<bool> TryUpdateAsync(Product product);

    [Invalidates("product:{product.Id}")]
    ValueTask UpdateValueTaskAsync(Product product);

    [Invalidates("product:{product.Id}")]
    [Invalidates("product-count")]
    ValueTask<int> InsertAsync(Product product);

    /// <summary>Not marked: always goes straight to the implementation.</summary>
    string Describe(int id);
}
