using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// The connections CacheAside makes when the container brings no multiplexer of its own: one for reads and
/// one for writes, so reads are never queued behind a paused or slow write. Disposed with the container.
/// </summary>
internal sealed class OwnConnections : IDisposable
{
    private OwnConnections(IConnectionMultiplexer reads, IConnectionMultiplexer writes)
    {
        Reads = reads;
        Writes = writes;
    }

    public IConnectionMultiplexer Reads { get; }

    public IConnectionMultiplexer Writes { get; }

    /// <summary>Connects both, at once, without giving up when Redis is down (see <see cref="RedisConnection.ConnectAsync"/>).</summary>
    public static OwnConnections Connect(string configuration, CacheAsideOptions options)
    {
        if (options.DedicatedRedisThreads)
        {
            // Replies are then read by threads StackExchange.Redis owns, not by the thread pool: a pool that
            // synchronous callers have saturated can no longer keep the replies they wait for from being read.
            // The flag is process-wide and read whenever a connection is made, so it stays on.
            ConnectionMultiplexer.SetFeatureFlag("DedicatedThreads", true);
        }

        var reads = RedisConnection.ConnectAsync(configuration, options, "reads");
        var writes = RedisConnection.ConnectAsync(configuration, options, "writes");
        Task.WaitAll(reads, writes);
        return new OwnConnections(reads.Result, writes.Result);
    }

    public void Dispose()
    {
        Writes.Dispose();
        Reads.Dispose();
    }
}
