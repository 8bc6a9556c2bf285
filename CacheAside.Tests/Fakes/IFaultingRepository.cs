using CacheAside.Interception;

namespace CacheAside.Tests.Fakes;

/// <summary>A repository whose tasks complete as a test says: with a value, faulted with several exceptions, or cancelled.</summary>
public interface IFaultingRepository
{
    [Cached("faulting:{id}", TtlSeconds = 60)]
    string Get(int id);

    [Cached("faulting:{id}", TtlSeconds = 60)]
    Task<string> GetAsync(int id, CancellationToken cancellationToken = default);

    [Cached("faulting:{id}", TtlSeconds = 60)]
    ValueTask<string> GetValueTaskAsync(int id);

    /// <summary>A read whose key cannot be rendered: it goes to the implementation without the cache.</summary>
    [Cached("faulting-unkeyed:{key.Id}", TtlSeconds = 60)]
    Task<string> GetUnkeyedAsync(UnrenderableKey key);

    [Invalidates("faulting:{id}")]
    Task SaveAsync(int id);

    [Invalidates("faulting:{id}")]
    Task<int> SaveCountedAsync(int id);

    [Invalidates("faulting:{id}")]
    ValueTask SaveValueTaskAsync(int id);

    [Invalidates("faulting:{id}")]
    ValueTask<int> SaveCountedValueTaskAsync(int id);
}

/// <summary>An argument whose keyed property throws.</summary>
public sealed class UnrenderableKey
{
    private readonly string _problem = "This key has no id.";

    public int Id => throw new InvalidOperationException(_problem);
}
