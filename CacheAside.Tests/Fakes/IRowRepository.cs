using CacheAside.Interception;

namespace CacheAside.Tests.Fakes;

/// <summary>Rows of text with versions: reads of every shape share one key, writes invalidate it.</summary>
public interface IRowRepository
{
    [Cached("row:{id}", TtlSeconds = 60)]
    string? Get(int id);

    [Cached("row:{id}", TtlSeconds = 60)]
    Task<string?> GetAsync(int id, CancellationToken cancellationToken = default);

    [Cached("row:{id}", TtlSeconds = 60)]
    ValueTask<string?> GetValueTaskAsync(int id);

    [Invalidates("row:{id}")]
    void Set(int id, string value);

    [Invalidates("row:{id}")]
    Task SetAsync(int id, string value);
}
