namespace CacheAside.Interception;

/// <summary>
/// Names under which CacheAside publishes metrics (<see cref="System.Diagnostics.Metrics"/>), traces
/// (<see cref="System.Diagnostics.ActivitySource"/>) and logs, for dashboards, alerts and log filters.
/// </summary>
/// <example>
/// With the OpenTelemetry SDK:
/// <code>
/// services.AddOpenTelemetry()
///     .WithTracing(tracing =&gt; tracing.AddSource(CacheAsideDiagnostics.ActivitySourceName))
///     .WithMetrics(metrics =&gt; metrics.AddMeter(CacheAsideDiagnostics.MeterName));
/// </code>
/// </example>
public static class CacheAsideDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> all instruments belong to.</summary>
    public const string MeterName = "CacheAside";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/> of CacheAside's spans: one per intercepted
    /// call and per <see cref="ICacheInvalidator"/> call, named <see cref="ReadActivityName"/>,
    /// <see cref="WriteActivityName"/> or <see cref="InvalidateActivityName"/>, of kind internal, a child of the
    /// caller's current activity. It carries <see cref="OperationTag"/>, <see cref="MethodTag"/>,
    /// <see cref="OutcomeTag"/>, <see cref="DetailsTag"/> and <see cref="RedisCommandsTag"/>; keys only when
    /// <see cref="CacheAsideOptions.RecordKeysInTraces"/> is on (<see cref="KeysTag"/>), values never.
    /// </summary>
    /// <remarks>
    /// A span is recorded when its call completes, with the call's start as its start time, so the spans the
    /// implementation itself creates on a miss (a database query) are its siblings under the caller's span, not
    /// its children. Its status is <c>Error</c> when the implementation failed or an invalidation could not be
    /// made; a read that went on without Redis is not an error (the caller got its answer), its outcome says
    /// <c>bypass</c>. With no listener on this source, nothing is created.
    /// </remarks>
    public const string ActivitySourceName = "CacheAside";

    /// <summary>The name of the span of a call to a method marked with <see cref="CachedAttribute"/>.</summary>
    public const string ReadActivityName = "cacheaside.read";

    /// <summary>The name of the span of a call to a method marked with <see cref="InvalidatesAttribute"/>.</summary>
    public const string WriteActivityName = "cacheaside.write";

    /// <summary>The name of the span of a call to <see cref="ICacheInvalidator"/>.</summary>
    public const string InvalidateActivityName = "cacheaside.invalidate";

    /// <summary>The default name of the health check added by <see cref="CacheAsideHealthChecksBuilderExtensions.AddCacheAside"/>.</summary>
    public const string HealthCheckName = "cacheaside";

    /// <summary>The <c>ILogger</c> category of every log message.</summary>
    public const string LoggerCategory = "CacheAside";

    /// <summary>Counter of intercepted calls, tagged with <see cref="OperationTag"/>, <see cref="OutcomeTag"/> and <see cref="MethodTag"/>.</summary>
    public const string Calls = "cacheaside.calls";

    /// <summary>Histogram of the time intercepted calls took, in seconds, the implementation's time included; tagged like <see cref="Calls"/>.</summary>
    public const string CallDuration = "cacheaside.call.duration";

    /// <summary>
    /// Counter of Redis commands that failed or timed out, tagged with <see cref="CommandTag"/> and
    /// <see cref="ErrorTypeTag"/>. Commands skipped while the circuit breaker is open are not counted here:
    /// they show as <c>bypass</c> calls and in <see cref="CircuitStateChanges"/>.
    /// </summary>
    public const string RedisErrors = "cacheaside.redis.errors";

    /// <summary>Counter of stored entries that could not be read and were treated as misses, tagged with <see cref="MethodTag"/>.</summary>
    public const string CorruptEntries = "cacheaside.corrupt_entries";

    /// <summary>
    /// Counter of circuit breaker state changes, tagged with <see cref="CircuitStateTag"/>. An <c>open</c>
    /// means Redis is being skipped; a <c>closed</c> after it means caching resumed.
    /// </summary>
    public const string CircuitStateChanges = "cacheaside.redis.circuit.state_changes";

    /// <summary>
    /// Counter of calls the cache made to implementations on misses (early refreshes included), tagged with
    /// <see cref="MethodTag"/> and <see cref="LoadResultTag"/>: one per load, however many callers shared it, whatever
    /// became of it — so it counts every call the source was asked, and, by result, how many it failed.
    /// </summary>
    public const string Loads = "cacheaside.loads";

    /// <summary>
    /// Tag of <see cref="Loads"/>: how the implementation's call ended — <c>succeeded</c> (it returned a value),
    /// <c>failed</c> (it threw, or its task faulted) or <c>canceled</c> (every caller waiting for it gave up, and its
    /// token cancelled it).
    /// </summary>
    public const string LoadResultTag = "cacheaside.load.result";

    /// <summary>
    /// Counter of lease protocol steps, tagged with <see cref="LeaseEventTag"/> and <see cref="MethodTag"/>:
    /// <c>waited</c> (a miss waited for another caller's load instead of loading), <c>wait_timed_out</c> (it
    /// waited <see cref="CacheAsideOptions.LeaseWaitTimeout"/> and loaded by itself), <c>store_refused</c> (a load
    /// was not stored because an invalidation voided its lease meanwhile), <c>rejoined</c> (a caller could not be
    /// handed a shared load that might predate an invalidation, and started over), <c>slot_moving</c> (a lease step or
    /// a store was refused for its whole budget while the entry's Redis Cluster slot moved between nodes: returned uncached).
    /// </summary>
    public const string LeaseEvents = "cacheaside.lease.events";

    /// <summary>
    /// Counter of results returned uncached because they could not be stored, tagged with <see cref="ReasonTag"/>
    /// (<c>too_large</c>: above <see cref="CacheAsideOptions.MaxPayloadBytes"/>; <c>not_round_trippable</c>: the value would not read back as it is) and <see cref="MethodTag"/>.
    /// </summary>
    public const string RejectedEntries = "cacheaside.entries.rejected";

    /// <summary>
    /// Counter of keys whose invalidation failed, tagged with <see cref="RepairResultTag"/>: <c>queued</c> (to be
    /// invalidated again in the background), <c>repaired</c> (Redis confirmed it), <c>expired</c> (given up once
    /// every entry it could have left stale had expired), <c>overflow</c> (not queued: too many pending).
    /// </summary>
    public const string Repairs = "cacheaside.invalidation.repairs";

    /// <summary>Tag: what became of a failed invalidation (<see cref="Repairs"/>).</summary>
    public const string RepairResultTag = "cacheaside.repair.result";

    /// <summary>Tag: the lease protocol step of <see cref="LeaseEvents"/>.</summary>
    public const string LeaseEventTag = "cacheaside.lease.event";

    /// <summary>Tag: why an entry was rejected (<see cref="RejectedEntries"/>).</summary>
    public const string ReasonTag = "cacheaside.reason";

    /// <summary>Tag: the state the circuit breaker moved to, <c>open</c>, <c>half_open</c> or <c>closed</c>.</summary>
    public const string CircuitStateTag = "cacheaside.redis.circuit.state";

    /// <summary>Tag: <c>read</c>, <c>write</c> or <c>invalidate</c>.</summary>
    public const string OperationTag = "cacheaside.operation";

    /// <summary>Tag: the <see cref="CacheOutcome"/> in snake case (<c>hit</c>, <c>miss</c>, <c>bypass</c>, <c>invalidated</c>, <c>not_invalidated</c>, <c>invalidation_failed</c>).</summary>
    public const string OutcomeTag = "cacheaside.outcome";

    /// <summary>Tag: the method, as <c>IProductRepository.GetById(int)</c>.</summary>
    public const string MethodTag = "cacheaside.method";

    /// <summary>Tag: the Redis command, <c>get</c>, <c>lease</c> (taking a lease on a miss), <c>set</c> (storing) or <c>del</c> (invalidating).</summary>
    public const string CommandTag = "cacheaside.redis.command";

    /// <summary>
    /// Counter: background early refreshes of entries about to expire, by result (<see cref="RefreshResultTag"/>:
    /// <c>stored</c>, <c>busy</c> when another caller held the entry's lease or had stored the key since, <c>no_lease</c> when its
    /// lease step failed (Redis unavailable or refusing) and it gave up before calling the implementation, <c>refused</c> when an
    /// invalidation voided it, <c>not_stored</c>, <c>failed</c> when the implementation threw).
    /// </summary>
    public const string Refreshes = "cacheaside.refreshes";

    /// <summary>Tag: what became of a background refresh.</summary>
    public const string RefreshResultTag = "cacheaside.refresh.result";

    /// <summary>
    /// Counter: calls answered with a value past its time to live because the implementation failed
    /// (fail-safe), by <see cref="ReasonTag"/>: <c>source_failed</c> or <c>soft_timeout</c>.
    /// </summary>
    public const string StaleServed = "cacheaside.stale_served";

    /// <summary>Tag: the .NET type name of the error.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>
    /// Span attribute: the Redis commands the call's path implies, in order, separated by spaces, from its outcome
    /// and details: <c>get</c> for a hit; <c>get lease set</c> for a miss that loaded and stored (<c>get set</c>
    /// with <see cref="CacheAsideOptions.UseLeases"/> off); <c>get lease</c> for a miss that did not store or a hit
    /// read after waiting for another caller's load; <c>get</c> for a call that joined a load in this process, and
    /// for a read whose Redis command failed; <c>del</c> for an invalidation (one script per hash slot). Absent when
    /// no command was sent (the circuit breaker was open, the key could not be rendered, the write failed).
    /// </summary>
    public const string RedisCommandsTag = "cacheaside.redis.commands";

    /// <summary>
    /// Span attribute: the call's <see cref="CacheEventDetails"/> in snake case, separated by spaces
    /// (<c>coalesced null_value</c>); absent when there are none.
    /// </summary>
    public const string DetailsTag = "cacheaside.details";

    /// <summary>
    /// Span attribute: why the call was answered with a value past its time to live (fail-safe), as
    /// <see cref="StaleServed"/> counts it: <c>source_failed</c> (the implementation threw, or an earlier call's did and
    /// its last value was kept) or <c>soft_timeout</c>; absent when the value was fresh or the call got none.
    /// </summary>
    public const string StaleReasonTag = "cacheaside.stale.reason";

    /// <summary>
    /// Span attribute: the call's full Redis keys, as a string array; only when
    /// <see cref="CacheAsideOptions.RecordKeysInTraces"/> is on, since keys can hold personal data.
    /// </summary>
    public const string KeysTag = "cacheaside.keys";
}
