namespace CacheAside.Interception;

/// <summary>Details of an intercepted call beyond its <see cref="CacheOutcome"/>.</summary>
[Flags]
public enum CacheEventDetails
{
    /// <summary>Nothing to add.</summary>
    None = 0,

    /// <summary>The entry found in Redis could not be read (corrupt, another shape of the type, or not a string) and was treated as a miss.</summary>
    CorruptEntry = 1,

    /// <summary>Storing the result after a miss failed; the caller still got the result.</summary>
    StoreFailed = 2,

    /// <summary>The implementation threw, or its task faulted or was cancelled; nothing was stored or deleted.</summary>
    TargetFailed = 4,

    /// <summary>The value returned was <see langword="null"/>.</summary>
    NullValue = 8,

    /// <summary>The result was not stored: a <see langword="null"/> result of a method that does not cache them.</summary>
    NotStored = 16,

    /// <summary>
    /// Redis was not asked: the circuit breaker is open after repeated Redis failures (see
    /// <see cref="CacheAsideOptions.CircuitBreakerBreakDuration"/>). The call cost no Redis time.
    /// </summary>
    CircuitOpen = 32,

    /// <summary>
    /// The call joined a load of the same key already running in this process instead of calling the
    /// implementation itself: the implementation ran once for all of them.
    /// </summary>
    Coalesced = 64,

    /// <summary>
    /// Another caller (in another process, or another mode in this one) held the lease on the key, so this
    /// call waited for that load instead of starting its own (see <see cref="CacheAsideOptions.LeaseWaitTimeout"/>).
    /// </summary>
    WaitedForLoader = 128,

    /// <summary>
    /// The result was not stored: the key was invalidated while it was being loaded (the lease was voided), so
    /// the value may predate that write. The caller that started the load still got it; later callers load again.
    /// </summary>
    StoreRefused = 256,

    /// <summary>The call waited <see cref="CacheAsideOptions.LeaseWaitTimeout"/> for another caller's load, then loaded by itself without storing.</summary>
    LeaseWaitTimedOut = 512,

    /// <summary>The key could not be rendered from the arguments (a property in it threw); the call went to the implementation.</summary>
    KeyFailed = 1024,

    /// <summary>The result was not stored: its entry was larger than <see cref="CacheAsideOptions.MaxPayloadBytes"/>.</summary>
    TooLarge = 2048,

    /// <summary>The caller's cancellation token stopped its wait for a shared load, which went on for the other callers.</summary>
    Canceled = 4096,

    /// <summary>
    /// The value returned was past its time to live: the implementation threw, or ran past the soft timeout,
    /// and fail-safe answered with the last stored value (see <see cref="CacheAsideOptions.FailSafeWindow"/>).
    /// </summary>
    Stale = 8192,

    /// <summary>The implementation ran past the soft timeout (<see cref="CacheAsideOptions.SourceSoftTimeout"/>); its load goes on in the background.</summary>
    SoftTimedOut = 16384,

    /// <summary>This hit started a background refresh of its entry, which expires soon (see <see cref="CacheAsideOptions.EarlyRefreshBeta"/>).</summary>
    RefreshStarted = 32768,

    /// <summary>
    /// The entry's Redis Cluster hash slot was moving between nodes, and its keys were split between them until the
    /// move ended: a lease step or a store that needs them together was refused (<c>TRYAGAIN</c>) for the whole Redis
    /// budget, so the result was returned uncached. A slot move is not a Redis failure: the circuit breaker is not told.
    /// </summary>
    SlotMoving = 65536,
}
