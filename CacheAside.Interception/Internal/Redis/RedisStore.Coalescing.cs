using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Hits coalesced while the connection is busy. A <c>GET</c> sent alone costs a system call on each side;
/// when many callers read at once (their replies arrive together, and each caller's next <c>GET</c> follows
/// its reply), the <c>GET</c>s one thread issues in a row are written as one batch (<see cref="GetBatch"/>).
/// A caller alone, or a synchronous one, never waits for a batch: its <c>GET</c> goes out at once.
/// </summary>
/// <remarks>
/// A batch is sent by a work item on the thread pool's global queue. When the pool is saturated, that item
/// waits behind everything queued before it, while a <c>GET</c> sent alone would not: a batch that waited
/// longer than a fifth of the budget pauses coalescing for <see cref="CoalescingPause"/>, so a busy pool never
/// turns into hits that outlast their budget. (A garbage collection stops every thread for a millisecond or
/// two; that alone must not pause it.)
/// </remarks>
internal sealed partial class RedisStore
{
    /// <summary>How long coalescing pauses after a slow flush.</summary>
    internal static readonly TimeSpan CoalescingPause = TimeSpan.FromSeconds(1);

    [ThreadStatic]
    private static GetBatch? s_openBatch;

    /// <summary>The batch this thread's last <c>GET</c> went into, for its wait to take; <see langword="null"/> when it went alone.</summary>
    [ThreadStatic]
    private static GetBatch? s_batchedInto;

    private long _batches;
    private long _pauses;
    private long _pausedUntil;

    /// <summary>Gets how many batches of <c>GET</c>s were opened: zero while coalescing never started.</summary>
    internal long Batches => Interlocked.Read(ref _batches);

    /// <summary>Gets how often a slow flush paused coalescing.</summary>
    internal long CoalescingPauses => Interlocked.Read(ref _pauses);

    /// <summary>Gets how long a batch may wait for its work item before coalescing pauses: a fifth of the budget.</summary>
    internal TimeSpan SlowFlush => _budget / 5;

    /// <summary>Gets whether a slow flush paused coalescing, until <see cref="CoalescingPause"/> after it.</summary>
    internal bool IsCoalescingPaused => _time.GetTimestamp() < Volatile.Read(ref _pausedUntil);

    /// <summary>Takes the batch the <c>GET</c> this thread just sent went into; <see langword="null"/> when it went alone.</summary>
    private static GetBatch? TakeBatch()
    {
        var batch = s_batchedInto;
        if (batch is not null)
        {
            s_batchedInto = null;
        }

        return batch;
    }

    /// <summary>A batch's work item ran: it was queued at <paramref name="queuedAt"/>, a <see cref="TimeProvider"/> timestamp.</summary>
    internal void BatchSent(long queuedAt)
    {
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(queuedAt, now) > SlowFlush)
        {
            Volatile.Write(ref _pausedUntil, now + (long)(CoalescingPause.TotalSeconds * _time.TimestampFrequency));
            Interlocked.Increment(ref _pauses);
        }
    }

    /// <summary>
    /// Sends a <c>GET</c>: in this thread's open batch when at least <see cref="CacheAsideOptions.CoalesceReadsAbove"/>
    /// commands are in flight (and coalescing is not paused), otherwise at once.
    /// </summary>
    private Task<Lease<byte>?> SendGet(IDatabase database, RedisKey key, bool sync)
    {
        if (sync || _clock.InFlight < _coalesceAbove)
        {
            return database.StringGetLeaseAsync(key);
        }

        if (s_openBatch is { } open && ReferenceEquals(open.Store, this) && open.TryAdd(key, out var reply))
        {
            s_batchedInto = open;
            return reply;
        }

        if (IsCoalescingPaused)
        {
            return database.StringGetLeaseAsync(key);
        }

        open = new GetBatch(this, database.CreateBatch(), _time.GetTimestamp());
        open.TryAdd(key, out reply);
        s_openBatch = open;
        s_batchedInto = open;
        Interlocked.Increment(ref _batches);

        // The global queue, not this thread's own: this thread first finishes the replies it holds (whose
        // callers add to the batch), and the batch goes out when a thread next looks for work.
        ThreadPool.UnsafeQueueUserWorkItem(open, preferLocal: false);
        return reply;
    }
}
