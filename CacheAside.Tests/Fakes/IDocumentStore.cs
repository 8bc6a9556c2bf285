using CacheAside.Interception;

namespace CacheAside.Tests.Fakes;

/// <summary>Generic methods: each instantiation has its own entries.</summary>
public interface IDocumentStore
{
    [Cached("document:{T}:{id}")]
    Task<T?> LoadAsync<T>(string id)
        where T : class;

    [Cached]
    T? Load<T>(string id)
        where T : class;

    [Invalidates("document:{T}:{id}")]
    Task SaveAsync<T>(string id, T document)
        where T : class;
}

public sealed record Invoice(string Number, decimal Total);

public sealed record Customer(string Name);

public sealed class DocumentStore : IDocumentStore
{
    private readonly Dictionary<(Type, string), object> _documents = [];

    public int Loads { get; private set; }

    public Task<T?> LoadAsync<T>(string id)
        where T : class => Task.FromResult(Load<T>(id));

    public T? Load<T>(string id)
        where T : class
    {
        Loads++;
        return _documents.TryGetValue((typeof(T), id), out var document) ? (T)document : null;
    }

    public Task SaveAsync<T>(string id, T document)
        where T : class
    {
        _documents[(typeof(T), id)] = document;
        return Task.CompletedTask;
    }
}
