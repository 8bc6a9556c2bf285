using CacheAside.Interception;

namespace CacheAside.Benchmarks.Chaos;

/// <summary>A row as the chaos workload reads it: which row, and which version of it.</summary>
public sealed record RowVersion(int Id, long Version);

/// <summary>The repository the chaos workload drives: reads of both kinds on one key, an invalidating write, and large values.</summary>
public interface IChaosCatalog
{
    [Cached("row:{id}", TtlSeconds = 60)]
    Task<RowVersion> GetAsync(int id);

    [Cached("row:{id}", TtlSeconds = 60)]
    RowVersion Get(int id);

    [Invalidates("row:{id}")]
    Task<long> WriteAsync(int id);

    [Cached("blob:{size}", TtlSeconds = 60)]
    Task<string> BlobAsync(int size);
}

/// <summary>
/// A database of versioned rows whose reads take 2–5 ms. Each call tells the caller's <see cref="CallTrace"/>
/// how long the source itself took, so the workload can tell the cache's overhead from the source's time.
/// </summary>
public sealed class ChaosCatalog(int rows) : IChaosCatalog
{
    private readonly long[] _versions = new long[rows];

    public int Rows => _versions.Length;

    public long Version(int id) => Volatile.Read(ref _versions[id]);

    public async Task<RowVersion> GetAsync(int id)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var version = Version(id);
        await Task.Delay(Random.Shared.Next(2, 6));
        CallTrace.AddSource(started);
        return new RowVersion(id, version);
    }

    public RowVersion Get(int id)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var version = Version(id);
        Thread.Sleep(Random.Shared.Next(2, 6));
        CallTrace.AddSource(started);
        return new RowVersion(id, version);
    }

    public Task<long> WriteAsync(int id) => Task.FromResult(Interlocked.Increment(ref _versions[id]));

    public Task<string> BlobAsync(int size) => Task.FromResult(new string('b', size));
}
