using System.Collections.Concurrent;
using CacheAside.Interception.Internal.Entries;
using CacheAside.Interception.Internal.Plans;
using CacheAside.Interception.Internal.Redis;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// Freshness under load and through a failing source (<see cref="FreshnessPolicy"/>): when an entry counts
/// as fresh, probabilistic early refresh of hot entries, and fail-safe — the last stored value kept after
/// its time to live and served, flagged stale, when the implementation throws or runs past the soft timeout.
/// </summary>
/// <remarks>
/// <para>
/// Early refresh follows XFetch (Vattani, Chierichetti and Lowenstein, VLDB 2015): a hit refreshes when
/// <c>now − Δ·β·ln(rand) ≥ expiry</c>, Δ being how long the entry's load took, so the closer an entry is to
/// its expiry, and the slower its source, the likelier a hit refreshes it. The hit is answered from the
/// entry at once; the refresh runs in the background as a load that nobody waits for, under the entry's
/// lease, so there is one per key at a time across processes, and an invalidation voids its store like any other.
/// </para>
/// <para>
/// With fail-safe an entry lives in Redis for its time to live plus the window. Its header records its
/// own expiry, so a reader past it treats it as a miss that carries a fallback. Each caller falls back only
/// to the value its own <c>GET</c> read — never to one another caller read before an invalidation — and only
/// within the window. A loader whose source failed keeps the fallback for <see cref="FreshnessPolicy.Throttle"/>
/// under its lease (so an invalidation still wins), and readers are served from it meanwhile, so a failing
/// source is asked about once per throttle per key.
/// </para>
/// <para>
/// An entry is fresh by the clock, for every reader: while its header says so and its value was loaded no longer
/// ago than the reader's own time to live (<see cref="FreshnessRule"/>). Redis expiring an entry when its freshness
/// ends is not enough: another process sharing the Redis may have fail-safe, or a longer time to live, and store
/// entries that outlive what this one promises. (A reader whose clock runs ahead of the writer's sees entries
/// expire that much earlier: a miss, never a value past its time to live.)
/// </para>
/// </remarks>
internal sealed partial class CacheEngine
{
    /// <summary>Above this many Δ·β before expiry a refresh has a probability below e⁻⁴⁰: not drawn for.</summary>
    private const double NeverAbove = 40;

    private readonly ConcurrentDictionary<string, object> _refreshes = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the draws of early refresh, uniform in [0, 1); tests set a seeded one.</summary>
    internal Func<double> NextRandom { get; set; } = Random.Shared.NextDouble;

    /// <summary>For tests: whether a background refresh of <paramref name="key"/> runs in this process.</summary>
    internal bool Refreshing(string key) => _refreshes.ContainsKey(key);

    /// <summary>The XFetch rule: whether a hit on an entry stamped <paramref name="stamp"/> refreshes it now.</summary>
    internal static bool ShouldRefreshEarly(long nowMs, in EntryStamp stamp, double beta, Func<double> random)
    {
        var left = stamp.FreshUntilMs - nowMs;
        var scale = Math.Max(1, stamp.LoadMs) * beta;
        if (left > scale * NeverAbove)
        {
            return false;
        }

        return left <= 0 || scale * -Math.Log(1 - random()) >= left;
    }

    /// <summary>On a hit at <paramref name="nowMs"/>: starts a background refresh of the entry when the XFetch rule says so; returns whether it did.</summary>
    private bool MaybeRefreshEarly<T>(ReadPlan<T> plan, in ReadCall call, in EntryStamp stamp, long nowMs)
    {
        // A value fail-safe kept after its source failed is answered from until the throttle ends, and then
        // loaded again: refreshing it early would ask the failing source at every hit near that end.
        var policy = plan.Spec.Freshness;
        if (!policy.EarlyRefresh || stamp.ExpiredAtMs != 0 || !ShouldRefreshEarly(nowMs, stamp, policy.Beta, NextRandom) || _disposed != 0 || _refreshes.ContainsKey(call.Key))
        {
            return false;
        }

        return StartRefresh(plan, call, stamp.Token);
    }

    /// <summary>Starts the background refresh of <paramref name="call"/>'s entry, unless one already runs here; apart, so that a hit that starts none allocates no closure.</summary>
    private bool StartRefresh<T>(ReadPlan<T> plan, ReadCall call, ulong replaces)
    {
        var flight = new Flight<T>(call.Key, _refreshes, cancellable: false);
        if (!_refreshes.TryAdd(call.Key, flight))
        {
            return false;
        }

        flight.Join();
        _ = Task.Run(() => RefreshAsync(flight, plan, call, replaces));
        return true;
    }

    /// <summary>
    /// A load nobody waits for, with the steps of a miss's: under the lease, stored when it completes. Given up
    /// when another caller holds the lease, or when the key no longer holds the entry of the load
    /// <paramref name="replaces"/> (another refresh or load stored since): the key is then loaded already. Given up
    /// too, before the source is called, when the lease step fails: a load that holds no lease can store nothing.
    /// </summary>
    private async Task RefreshAsync<T>(Flight<T> flight, ReadPlan<T> plan, ReadCall call, ulong replaces)
    {
        var miss = new Miss(1) { SawUnusableEntry = true, Refresh = true, Replaces = plan.Codec.Header(replaces) };
        var result = await RunFlightAsync(flight, plan, call, miss, sync: false, fallback: null).ConfigureAwait(false);
        var outcome = result.Busy ? "busy"
            : result.Unleased ? "no_lease"
            : result.Error is not null ? ((result.Details & CacheEventDetails.TargetFailed) != 0 ? "failed" : "not_stored")
            : (result.Details & CacheEventDetails.StoreRefused) != 0 ? "refused"
            : (result.Details & (CacheEventDetails.NotStored | CacheEventDetails.StoreFailed)) != 0 ? "not_stored"
            : "stored";
        Telemetry.Refreshed(plan.Spec.Display, outcome);
    }

    /// <summary>
    /// Answers a caller with its fallback when fail-safe allows: the method has it on, and the value's own
    /// expiry was at most the window ago. <see langword="false"/> otherwise, and the caller gets what it would have without fail-safe.
    /// </summary>
    private bool TryServeFallback<T>(ReadPlan<T> plan, in ReadCall call, Fallback<T>? fallback, CacheEventDetails details, string reason, out T value)
    {
        value = default!;
        if (fallback is null || !plan.Spec.Freshness.FailSafe || NowMs() >= WindowEnd(plan, fallback.Stamp))
        {
            return false;
        }

        value = fallback.Value;
        Telemetry.StaleServed(plan.Spec.Display, reason);
        Report(plan, call, CacheOutcome.Hit, details | CacheEventDetails.Stale | (value is null ? CacheEventDetails.NullValue : CacheEventDetails.None));
        return true;
    }

    /// <summary>
    /// After the source failed: stores the loader's fallback again, fresh for the throttle (never past its
    /// window), so callers are answered from it meanwhile instead of calling the failing source. Only while the
    /// key still holds the entry the fallback was read from — an invalidation since, or a newer value, wins — and,
    /// with leases, only while the loader still holds the lease, which it ends. The JSON stored is the one read,
    /// never the instance, which a caller served from it may have changed. Sent in the background; returns
    /// <see langword="false"/> when there is nothing to keep, and the lease is the caller's to release.
    /// </summary>
    private bool KeepFallback<T>(ReadPlan<T> plan, Fallback<T>? fallback, ulong token, RedisKey[]? keys, RedisValue tokenValue)
    {
        if (fallback is null || !plan.Spec.Freshness.FailSafe)
        {
            return false;
        }

        var now = NowMs();
        var windowEnd = WindowEnd(plan, fallback.Stamp);
        var left = windowEnd - now;
        if (left <= 0)
        {
            return false;
        }

        var freshUntil = Math.Min(now + RedisStore.Milliseconds(plan.Spec.Freshness.Throttle), windowEnd);
        var stamp = new EntryStamp(token, fallback.Stamp.LoadedAtMs, fallback.Stamp.LoadMs, freshUntil, fallback.Stamp.OwnExpiryMs);
        if (plan.Codec.Restamp(fallback.Entry, stamp) is not { } entry)
        {
            return false;
        }

        _ = KeepAsync(keys ?? [fallback.Key], tokenValue, entry, fallback.Entry, left);
        return true;
    }

    private async Task KeepAsync(RedisKey[] keys, RedisValue tokenValue, byte[] entry, byte[] read, long ttlMs)
    {
        var kept = await Store.ScriptAsync(LeaseScripts.Keep, keys, [entry, ttlMs, read, tokenValue, _channelValue], sync: false, Options.RedisTimeout).ConfigureAwait(false);
        if (!kept.IsOk && keys.Length == 2)
        {
            Release(keys, tokenValue);
        }
    }

    /// <summary>When a value stops being a fallback: its own expiry, plus the method's fail-safe window.</summary>
    private static long WindowEnd<T>(ReadPlan<T> plan, in EntryStamp stamp) =>
        stamp.OwnExpiryMs + RedisStore.Milliseconds(plan.Spec.Freshness.FailSafeWindow);

    /// <summary>The physical time to live of an entry that is fresh for <paramref name="ttl"/>: with fail-safe, the window longer.</summary>
    private static TimeSpan Lifetime<T>(ReadPlan<T> plan, TimeSpan ttl) => ttl + plan.Spec.Freshness.FailSafeWindow;

    /// <summary>A value a caller's own <c>GET</c> found past its freshness, with its stamp: what fail-safe may answer with.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="Key">The entry's value key.</param>
    /// <param name="Value">The stored value.</param>
    /// <param name="Stamp">Its header.</param>
    /// <param name="Entry">The entry's bytes as they were read: what fail-safe stores again, and only while the key still holds them.</param>
    private sealed record Fallback<T>(string Key, T Value, EntryStamp Stamp, byte[] Entry);
}
