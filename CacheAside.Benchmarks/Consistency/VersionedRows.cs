using CacheAside.Interception;

namespace CacheAside.Benchmarks.Consistency;

/// <summary>Rows whose value is their version: a read returns the version it saw, a write commits the next one.</summary>
public interface IVersionedRows
{
    [Cached("vrow:{id}", TtlSeconds = 300)]
    Task<long> GetAsync(int id);

    [Invalidates("vrow:{id}")]
    Task<long> WriteAsync(int id);
}

/// <summary>
/// An in-memory database of versioned rows. A read takes its row's version first and only then pays its
/// latency (0–20 ms), as a query does whose answer travels back over a network: the window in which a
/// write can commit and invalidate while the read holds the older version.
/// </summary>
public sealed class VersionedDatabase : IVersionedRows
{
    private readonly long[] _versions;
    private readonly long[] _completed;
    private readonly int _maxLatencyMs;

    public VersionedDatabase(int rows, int maxLatencyMs)
    {
        _versions = new long[rows];
        _completed = new long[rows];
        _maxLatencyMs = maxLatencyMs;
    }

    public int Rows => _versions.Length;

    /// <summary>Gets the newest committed version of a row.</summary>
    public long Version(int id) => Volatile.Read(ref _versions[id]);

    /// <summary>Gets the newest version of a row whose write, invalidation included, has returned to its caller.</summary>
    public long Completed(int id) => Volatile.Read(ref _completed[id]);

    /// <summary>Records that the write of <paramref name="version"/> returned to its caller.</summary>
    public void MarkCompleted(int id, long version)
    {
        long seen;
        while ((seen = Volatile.Read(ref _completed[id])) < version && Interlocked.CompareExchange(ref _completed[id], version, seen) != seen)
        {
        }
    }

    public async Task<long> GetAsync(int id)
    {
        var version = Version(id);
        await Task.Delay(Random.Shared.Next(0, _maxLatencyMs + 1));
        return version;
    }

    public Task<long> WriteAsync(int id) => Task.FromResult(Interlocked.Increment(ref _versions[id]));
}
