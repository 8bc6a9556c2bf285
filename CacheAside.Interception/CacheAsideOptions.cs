using System.Text.Json;
using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Interception;

/// <summary>
/// Options for cache-aside interception, set once in
/// <see cref="RegistrationExtensions.RegisterCacheAside(Autofac.ContainerBuilder, Action{CacheAsideOptions}?)"/>
/// or bound from a configuration section by
/// <see cref="RegistrationExtensions.RegisterCacheAside(Autofac.ContainerBuilder, Microsoft.Extensions.Configuration.IConfiguration)"/>,
/// and validated when the container is built.
/// </summary>
public sealed class CacheAsideOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string used to connect when the container has no
    /// <see cref="StackExchange.Redis.IConnectionMultiplexer"/> of its own. Passwords and TLS settings go here
    /// (<c>host:6379,password=…,ssl=true</c>); the password is never logged. When the string sets no
    /// <c>connectTimeout</c>, CacheAside waits 1 second for the first connection rather than
    /// StackExchange.Redis's 5, so a container whose Redis is down still builds quickly.
    /// </summary>
    /// <value>The default is <c>localhost:6379</c>.</value>
    public string RedisConfiguration { get; set; } = "localhost:6379";

    /// <summary>Gets or sets the Redis database number used for cache entries.</summary>
    /// <value>The default is <c>-1</c>: the connection's default database.</value>
    public int Database { get; set; } = -1;

    /// <summary>
    /// Gets or sets the text put in front of every key. Change its version part when the meaning of stored
    /// values changes, so old entries are ignored rather than misread. Keys are written
    /// <c>prefix{key}</c>, the braces being the Redis Cluster hash tag, so the prefix cannot contain a brace.
    /// </summary>
    /// <value>The default is <c>cacheaside:v1:</c>.</value>
    public string KeyPrefix { get; set; } = "cacheaside:v1:";

    /// <summary>Gets or sets the time to live of methods whose <see cref="CachedAttribute"/> does not set one.</summary>
    /// <value>The default is 5 minutes. Must be positive, and at most 3650 days.</value>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the largest random share of the time to live added to each stored entry, so entries
    /// written together do not all expire together. <c>0.1</c> adds up to 10%.
    /// </summary>
    /// <value>The default is <c>0</c> (no jitter). Must be between 0 and 1.</value>
    public double TtlJitter { get; set; }

    /// <summary>
    /// Gets or sets the longest key, in characters and prefix included, stored as rendered. A longer key keeps
    /// the whole prefix and the first characters of the rest, for reading, and ends with a SHA-256 hash of the
    /// whole key, so it stays unique: <c>prefix{start\#hash}</c>.
    /// </summary>
    /// <value>The default is 256. Must leave room for the prefix, 32 characters of the key and 36 for the hash (82 with the default prefix).</value>
    public int MaxKeyLength { get; set; } = 256;

    /// <summary>
    /// Gets or sets the System.Text.Json options used to store results. Type names are never written to
    /// payloads, whatever these options say about polymorphism.
    /// </summary>
    /// <value>The default is <see langword="null"/>: <see cref="JsonSerializerDefaults.General"/> settings.</value>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>
    /// Gets or sets the time budget of every Redis command the cache issues (GET, SET, DEL). A command that
    /// has not answered within it counts as failed: a read goes to the implementation, a write's
    /// invalidation is reported as failed. Async methods await Redis with this budget and never block a
    /// thread.
    /// </summary>
    /// <remarks>
    /// Synchronous methods use the synchronous Redis API, which is bounded by the multiplexer's
    /// <c>syncTimeout</c>. For the multiplexer CacheAside creates from <see cref="RedisConfiguration"/>,
    /// <c>syncTimeout</c> and <c>asyncTimeout</c> are set to this budget, whatever the configuration string
    /// says. A multiplexer registered in the container keeps its own <c>syncTimeout</c> (5 seconds unless
    /// set): synchronous methods then wait up to that long, and a warning at startup says so.
    /// </remarks>
    /// <value>The default is 50 milliseconds, ample for Redis on the same network (a GET answers in well under a millisecond there). Must be positive.</value>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Gets or sets the share of failed Redis commands, within <see cref="CircuitBreakerSamplingDuration"/>,
    /// at which the circuit breaker opens: Redis is then skipped, at no Redis cost, for
    /// <see cref="CircuitBreakerBreakDuration"/>, after which one call probes it.
    /// </summary>
    /// <value>The default is <c>0.5</c>. Must be greater than 0 and at most 1.</value>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets how many Redis commands, within <see cref="CircuitBreakerSamplingDuration"/>, the circuit
    /// breaker needs to see before it may open, so that one failure on a quiet service does not open it.
    /// As many failures in a row open it too, whatever the window holds from before the fault: under load a
    /// stall opens the breaker within a few budgets.
    /// </summary>
    /// <value>The default is 10. Must be at least 2.</value>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>
    /// Gets or sets the window over which the circuit breaker counts failed Redis commands. Short, so a
    /// fault is judged by what Redis does now, not by the successes before it.
    /// </summary>
    /// <value>The default is 1 second. Must be at least 0.5 seconds.</value>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long the open circuit breaker skips Redis before letting one call probe it. Calls
    /// in that time go straight to their implementations (outcome <see cref="CacheOutcome.Bypass"/> with
    /// <see cref="CacheEventDetails.CircuitOpen"/>); writes report <see cref="CacheOutcome.InvalidationFailed"/>.
    /// </summary>
    /// <value>The default is 2 seconds: caching resumes within about that long after Redis is back. Must be at least 0.5 seconds.</value>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets whether a Redis failure, a timeout or an open circuit breaker throws a
    /// <see cref="CacheUnavailableException"/> to the caller instead of being absorbed. For teams that
    /// prefer to know: a read then fails instead of reaching the implementation, and a write whose
    /// invalidation failed throws after the write itself succeeded.
    /// </summary>
    /// <remarks>
    /// Entries that cannot be read (corrupt, another shape of the type, another Redis type) are still
    /// misses that are overwritten: they are not Redis failures, and the cache heals them.
    /// </remarks>
    /// <value>The default is <see langword="false"/>: Redis problems never reach the caller.</value>
    public bool ThrowOnRedisErrors { get; set; }

    /// <summary>
    /// Gets or sets how many asynchronous Redis commands must be in flight before the <c>GET</c> of a cached
    /// read is coalesced: written in one batch with the other <c>GET</c>s its thread issues at about the same
    /// moment, instead of alone. Under load, many callers' replies arrive together and each caller's next read
    /// follows its reply; batching their <c>GET</c>s saves system calls on both sides of the connection.
    /// Each command keeps its own reply and budget; a caller alone, or a synchronous method, never waits for a
    /// batch. 0 turns coalescing off.
    /// </summary>
    /// <value>The default is 4. Must be at least 0.</value>
    public int CoalesceReadsAbove { get; set; } = 4;

    /// <summary>
    /// Gets or sets whether a hit whose entry is byte for byte one decoded before returns the instance decoded
    /// then, instead of decoding the JSON again, for result types that are deeply immutable: a sealed record or
    /// class whose fields are all read-only and of immutable types, a struct of immutable fields, a string or
    /// another well-known immutable type, or a type marked <c>[ImmutableObject(true)]</c>. Every hit still reads
    /// its entry from Redis and compares every byte, so a reused instance is never staler than the entry; a
    /// mutable type (any settable property, a list, an array) always gets a fresh instance. An entry is kept the
    /// second time it is decoded; each method keeps at most 4,096 entries of up to 16 KB, 1 MB in all. Turn it
    /// off when callers tell instances apart by reference or lock on them; mark a type
    /// <c>[ImmutableObject(false)]</c> to exclude it alone.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ReuseImmutableResults { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the connections CacheAside makes (when the container registers no
    /// <see cref="StackExchange.Redis.IConnectionMultiplexer"/>) have their replies read by threads of their own
    /// rather than by the .NET thread pool, through StackExchange.Redis's <c>DedicatedThreads</c> feature. Without
    /// it, synchronous cached methods called from pool threads (an ASP.NET controller calling a sync repository)
    /// can saturate the pool that would read the very replies they wait for, and the cache stops working until
    /// the pool grows. The feature is process-wide: it also applies to multiplexers the application creates
    /// afterwards, at the cost of a reader and a writer thread per connection.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool DedicatedRedisThreads { get; set; } = true;

    /// <summary>
    /// Gets or sets whether misses take a lease on their key in Redis. With leases, only the holder of a
    /// still-valid lease may store, and an invalidation voids the lease, so a value loaded before a completed
    /// invalidation is never stored or served after it; and concurrent misses of one key in different
    /// processes share one load. Turn them off only to measure what they cost: without them a slow load can
    /// store a value older than a write that completed meanwhile (the stale-set race). Its plain store cannot be voided,
    /// so one process without leases breaks the guarantee for every process sharing its Redis and key prefix, those with
    /// leases included: measure under a prefix of its own.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseLeases { get; set; } = true;

    /// <summary>
    /// Gets or sets how long a lease lives without renewal. The holder renews it every third of this while
    /// its load runs, so a slow source keeps it; a holder that died lets it expire after at most this long,
    /// and the next miss loads.
    /// </summary>
    /// <value>The default is 3 seconds. Must be at least 100 milliseconds.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Gets or sets how long a miss waits for another caller's load of the same key (its lease) before it
    /// loads by itself, without storing. Waiters are told of the store at once through a Redis
    /// notification, so they usually wait about as long as the load takes.
    /// </summary>
    /// <value>The default is 3 seconds. Must be positive.</value>
    public TimeSpan LeaseWaitTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Gets or sets the largest entry, in bytes, that is stored. A larger result is returned to its caller
    /// uncached, counted in <see cref="CacheAsideDiagnostics.RejectedEntries"/> and logged once per method; it
    /// costs no Redis command, so one method's big values can never slow the others or open the breaker.
    /// </summary>
    /// <value>The default is 1 MiB (1,048,576). Must be at least 1,024.</value>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets or sets the shortest time to live a method may have (<see cref="DefaultTtl"/>,
    /// <see cref="CachedAttribute.TtlSeconds"/>, <see cref="CachedAttribute.NullTtlSeconds"/>); a shorter one is
    /// a configuration mistake, reported when the container is built.
    /// </summary>
    /// <value>The default is 1 millisecond, the resolution of Redis expiry. Must be at least that.</value>
    public TimeSpan MinimumTtl { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Gets or sets how eagerly a hot entry is refreshed before it expires: the β of probabilistic early
    /// refresh (XFetch, Vattani, Chierichetti and Lowenstein, VLDB 2015). A hit refreshes when
    /// <c>now − Δ·β·ln(rand) ≥ expiry</c>, Δ being how long the entry's load took: the refresh runs in the
    /// background, under the entry's lease (one per key at a time, across processes), while that hit and
    /// every other caller are answered from the entry, so a key read often enough never expires under its
    /// readers. Larger values refresh earlier; 0 turns early refresh off. Per method,
    /// <see cref="CachedAttribute.EarlyRefreshBeta"/>.
    /// </summary>
    /// <value>The default is 1, the paper's choice. Must be between 0 and 100.</value>
    public double EarlyRefreshBeta { get; set; } = 1;

    /// <summary>
    /// Gets or sets how long after its time to live an entry is kept as a fallback (fail-safe): when the
    /// implementation then throws, or runs past <see cref="SourceSoftTimeout"/>, the caller gets the last
    /// stored value, flagged <see cref="CacheEventDetails.Stale"/>, instead of the exception. A served value
    /// was thus loaded at most the time to live plus this window ago, and is past its time to live only when
    /// the source failed; an invalidation removes the fallback with the entry. Zero turns fail-safe off. Per
    /// method, <see cref="CachedAttribute.FailSafeSeconds"/>.
    /// </summary>
    /// <value>The default is zero (off). Must be between zero and 365 days.</value>
    public TimeSpan FailSafeWindow { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets how long a fallback served after a source failure is then served as it is, before the
    /// source is asked again, so a failing source is called about once per this span per key (across
    /// processes, through the lease) rather than by every caller. Never extends the fail-safe window.
    /// </summary>
    /// <value>The default is 1 second. Must be between 1 millisecond and 1 day.</value>
    public TimeSpan FailSafeThrottle { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long a caller that has a fallback (see <see cref="FailSafeWindow"/>) waits for the
    /// implementation before it is answered with the fallback; the load goes on in the background and
    /// stores its result under its lease when it completes. Callers without a fallback wait as long as the
    /// load takes. Per method, <see cref="CachedAttribute.SoftTimeoutSeconds"/>.
    /// </summary>
    /// <value>The default is <see cref="Timeout.InfiniteTimeSpan"/> (no soft timeout). Must be positive, or infinite.</value>
    public TimeSpan SourceSoftTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Gets or sets whether the spans of the <see cref="CacheAsideDiagnostics.ActivitySourceName"/> source carry
    /// the call's Redis keys (<see cref="CacheAsideDiagnostics.KeysTag"/>). Off by default because keys are built
    /// from arguments, which can be personal data (an e-mail address, a customer number) that a tracing backend
    /// must not receive; turn it on where the backend may hold them. Values are never recorded.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RecordKeysInTraces { get; set; }

    /// <summary>
    /// Gets or sets the clock used for elapsed times, the <see cref="RedisTimeout"/> of every command (sync and
    /// async callers alike), the waits for another caller's load, the soft timeout and the circuit breaker's windows;
    /// tests can pass a fake clock.
    /// </summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    private static readonly TimeSpan s_minimumBreakerWindow = TimeSpan.FromSeconds(0.5);
    /// <summary>
    /// The longest time to live of an entry: 3650 days. Longer ones would overflow what is added to them (jitter,
    /// the fail-safe window) and the window in which a failed invalidation is retried, which would then never be.
    /// </summary>
    internal static readonly TimeSpan MaximumTtl = TimeSpan.FromDays(3650);

    private static readonly TimeSpan s_minimumLease = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_redisResolution = TimeSpan.FromMilliseconds(1);

    internal IEnumerable<string> Validate()
    {
        if (RedisConfiguration is null)
        {
            yield return "CacheAsideOptions.RedisConfiguration is null: set it to a StackExchange.Redis configuration string such as \"localhost:6379\", or register an IConnectionMultiplexer.";
        }

        if (KeyPrefix is null)
        {
            yield return "CacheAsideOptions.KeyPrefix is null: set it to a prefix such as \"cacheaside:v1:\" (an empty string is allowed).";
        }

        if (MinimumTtl < s_redisResolution)
        {
            yield return $"CacheAsideOptions.MinimumTtl is {MinimumTtl}: set it to at least 1 millisecond, the resolution of Redis expiry.";
        }

        if (DefaultTtl <= TimeSpan.Zero)
        {
            yield return $"CacheAsideOptions.DefaultTtl is {DefaultTtl}: set it to a positive time span.";
        }
        else if (DefaultTtl < MinimumTtl)
        {
            yield return $"CacheAsideOptions.DefaultTtl is {DefaultTtl}, below CacheAsideOptions.MinimumTtl ({MinimumTtl}): set it to at least that.";
        }
        else if (DefaultTtl > MaximumTtl)
        {
            yield return $"CacheAsideOptions.DefaultTtl is {DefaultTtl}, longer than an entry may live ({MaximumTtl}): set it to at most that.";
        }

        if (double.IsNaN(TtlJitter) || TtlJitter < 0 || TtlJitter > 1)
        {
            yield return $"CacheAsideOptions.TtlJitter is {TtlJitter}: set it between 0 (no jitter) and 1 (up to double the TTL).";
        }

        if (KeyPrefix is not null && KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            yield return $"CacheAsideOptions.KeyPrefix is \"{KeyPrefix}\", which contains a brace: keys are written prefix{{key}} so that Redis Cluster keeps the keys of an entry in one slot, and a brace in the prefix would move that hash tag; remove '{{' and '}}' from the prefix.";
        }

        var minimumKeyLength = KeyBuilder.MinimumLength(KeyPrefix ?? string.Empty);
        if (MaxKeyLength < minimumKeyLength)
        {
            yield return $"CacheAsideOptions.MaxKeyLength is {MaxKeyLength}: set it to at least {minimumKeyLength} (the prefix's {(KeyPrefix ?? string.Empty).Length} characters, {KeyBuilder.MinimumStart} of the key and {KeyBuilder.HashedOverhead} for the hash that ends a longer key), or shorten KeyPrefix.";
        }

        if (Database < -1)
        {
            yield return $"CacheAsideOptions.Database is {Database}: set it to -1 (the connection's default) or a database number.";
        }

        if (TimeProvider is null)
        {
            yield return "CacheAsideOptions.TimeProvider is null: leave it at TimeProvider.System or set a clock.";
        }

        if (RedisTimeout <= TimeSpan.Zero || RedisTimeout.TotalMilliseconds > int.MaxValue)
        {
            yield return $"CacheAsideOptions.RedisTimeout is {RedisTimeout}: set it to a positive time span, such as the default of 50 ms for Redis on the same network.";
        }

        if (double.IsNaN(CircuitBreakerFailureRatio) || CircuitBreakerFailureRatio <= 0 || CircuitBreakerFailureRatio > 1)
        {
            yield return $"CacheAsideOptions.CircuitBreakerFailureRatio is {CircuitBreakerFailureRatio}: set it above 0 and at most 1 (0.5 opens the breaker when half the Redis commands fail).";
        }

        if (CircuitBreakerMinimumThroughput < 2)
        {
            yield return $"CacheAsideOptions.CircuitBreakerMinimumThroughput is {CircuitBreakerMinimumThroughput}: set it to at least 2.";
        }

        if (CircuitBreakerSamplingDuration < s_minimumBreakerWindow || CircuitBreakerSamplingDuration > TimeSpan.FromDays(1))
        {
            yield return $"CacheAsideOptions.CircuitBreakerSamplingDuration is {CircuitBreakerSamplingDuration}: set it between 0.5 seconds and 1 day.";
        }

        if (LeaseDuration < s_minimumLease || LeaseDuration > TimeSpan.FromDays(1))
        {
            yield return $"CacheAsideOptions.LeaseDuration is {LeaseDuration}: set it between 100 milliseconds and 1 day (the default of 3 seconds is renewed while a load runs).";
        }

        if (LeaseWaitTimeout <= TimeSpan.Zero || LeaseWaitTimeout > TimeSpan.FromDays(1))
        {
            yield return $"CacheAsideOptions.LeaseWaitTimeout is {LeaseWaitTimeout}: set it to a positive time span of at most 1 day.";
        }

        if (CoalesceReadsAbove < 0)
        {
            yield return $"CacheAsideOptions.CoalesceReadsAbove is {CoalesceReadsAbove}: set it to 0 (never coalesce) or more (the default of 4 coalesces when four commands are in flight).";
        }

        if (MaxPayloadBytes < 1024)
        {
            yield return $"CacheAsideOptions.MaxPayloadBytes is {MaxPayloadBytes}: set it to at least 1024 bytes (the default is 1 MiB).";
        }

        if (!double.IsFinite(EarlyRefreshBeta) || EarlyRefreshBeta < 0 || EarlyRefreshBeta > 100)
        {
            yield return $"CacheAsideOptions.EarlyRefreshBeta is {EarlyRefreshBeta}: set it between 0 (no early refresh) and 100 (the default of 1 is the XFetch paper's).";
        }

        if (FailSafeWindow < TimeSpan.Zero || FailSafeWindow > TimeSpan.FromDays(365))
        {
            yield return $"CacheAsideOptions.FailSafeWindow is {FailSafeWindow}: set it between zero (fail-safe off) and 365 days.";
        }

        if (FailSafeThrottle < s_redisResolution || FailSafeThrottle > TimeSpan.FromDays(1))
        {
            yield return $"CacheAsideOptions.FailSafeThrottle is {FailSafeThrottle}: set it between 1 millisecond and 1 day.";
        }

        if (SourceSoftTimeout != Timeout.InfiniteTimeSpan && (SourceSoftTimeout <= TimeSpan.Zero || SourceSoftTimeout > TimeSpan.FromDays(1)))
        {
            yield return $"CacheAsideOptions.SourceSoftTimeout is {SourceSoftTimeout}: set it to a positive time span of at most 1 day, or to Timeout.InfiniteTimeSpan for none.";
        }

        if (CircuitBreakerBreakDuration < s_minimumBreakerWindow || CircuitBreakerBreakDuration > TimeSpan.FromDays(1))
        {
            yield return $"CacheAsideOptions.CircuitBreakerBreakDuration is {CircuitBreakerBreakDuration}: set it between 0.5 seconds and 1 day.";
        }
    }
}
