using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Hits coalesced while the connection is busy. A <c>GET</c> sent alone costs a system call on each side;
/// when many callers read at once (their replies arrive together, and each caller's next <c>GET</c> follows
/// its reply), the <c>GET</c>s one thread issues in a row are written as one batch (<see cref="GetBatch"/>).
/// A caller alone, or a synchronous one, never waits for a batch: its <c>GET</c> goes out at once.
/// </summary>
internal sealed partial class RedisStore
{
    [ThreadStatic]
    private static GetBatch? s_openBatch;

    private long _batches;

    /// <summary>Gets how many batches of <c>GET</c>s were opened: zero while coalescing never started.</summary>
    internal long Batches => Interlocked.Read(ref _batches);

    /// <summary>Sends a <c>GET</c>: in this thread's open batch when at least <see cref="CacheAsideOptions.CoalesceReadsAbove"/> commands are in flight, otherwise at once.</summary>
    private Task<Lease<byte>?> SendGet(IDatabase database, RedisKey key, bool sync)
    {
        if (sync || _clock.InFlight < _coalesceAbove)
        {
            return database.StringGetLeaseAsync(key);
        }

        if (s_openBatch is { } open && ReferenceEquals(open.Store, this) && open.TryAdd(key, out var reply))
        {
            return reply;
        }

        open = new GetBatch(this, database.CreateBatch());
        open.TryAdd(key, out reply);
        s_openBatch = open;
        Interlocked.Increment(ref _batches);

        // The global queue, not this thread's own: this thread first finishes the replies it holds (whose
        // callers add to the batch), and the batch goes out when a thread next looks for work.
        ThreadPool.UnsafeQueueUserWorkItem(open, preferLocal: false);
        return reply;
    }
}
