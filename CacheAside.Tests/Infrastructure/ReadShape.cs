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
    /// <summary>
    /// Starts <paramref name="read"/> as a caller of that shape would run it: a synchronous read on a thread of its
    /// own, so it blocks nothing else; an asynchronous one on the thread pool.
    /// </summary>
    public static Task<T> Start<T>(this ReadShape shape, Func<Task<T>> read) =>
        shape == ReadShape.Sync ? Task.Factory.StartNew(() => read().GetAwaiter().GetResult(), TaskCreationOptions.LongRunning) : Task.Run(read);

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
