using CacheAside.Tests.Fakes;

namespace CacheAside.Tests.Infrastructure;

/// <summary>The return shapes a cached read can have; tests run once per shape.</summary>
public enum ReadShape
{
    Sync,
    Task,
    ValueTask,
}

public static class ReadShapeExtensions
{
    /// <summary>Reads a product through the method of the given shape (all three share one key template).</summary>
    public static async Task<Product?> Read(this IProductRepository repository, ReadShape shape, int id) => shape switch
    {
        ReadShape.Sync => repository.GetById(id),
        ReadShape.Task => await repository.GetByIdAsync(id),
        _ => await repository.GetByIdValueTaskAsync(id),
    };

    /// <summary>Reads a row through the method of the given shape (all three share one key template).</summary>
    public static async Task<string?> Read(this IRowRepository repository, ReadShape shape, int id) => shape switch
    {
        ReadShape.Sync => repository.Get(id),
        ReadShape.Task => await repository.GetAsync(id),
        _ => await repository.GetValueTaskAsync(id),
    };
}
