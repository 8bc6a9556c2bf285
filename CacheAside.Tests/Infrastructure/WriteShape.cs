using CacheAside.Tests.Fakes;

namespace CacheAside.Tests.Infrastructure;

/// <summary>The return shapes an invalidating write can have; tests run once per shape.</summary>
public enum WriteShape
{
    Void,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

public static class WriteShapeExtensions
{
    /// <summary>Starts a write of the given shape; the sync one has completed when this returns.</summary>
    public static Task Write(this IProductRepository repository, WriteShape shape, Product product) => shape switch
    {
        WriteShape.Void => Sync(() => repository.Update(product)),
        WriteShape.Task => repository.UpdateAsync(product),
        WriteShape.TaskOfT => repository.TryUpdateAsync(product),
        WriteShape.ValueTask => repository.UpdateValueTaskAsync(product).AsTask(),
        _ => repository.InsertAsync(product).AsTask(),
    };

    private static Task Sync(Action write)
    {
        write();
        return Task.CompletedTask;
    }
}
