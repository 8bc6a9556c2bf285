using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Entries;
using CacheAside.Interception.Internal.Plans;
using CacheAside.Interception.Internal.Redis;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// The read path: <c>GET</c>; a fresh entry is a hit, returned without calling the implementation; anything
/// else is a miss that joins or starts the one load of that key (see <c>.Stampede.cs</c>), which stores its
/// result under a lease (see <c>.Leases.cs</c>). Written once for every shape: a synchronous method runs it
/// in the mode that completes synchronously, an asynchronous one awaits.
/// </summary>
internal sealed partial class CacheEngine
{
    /// <summary>How many times a caller whose shared load could not be handed to it starts over before loading by itself.</summary>
    private const int MaxAttempts = 3;

    /// <summary>A cached read of a synchronous method: Redis's answer is waited for with the budget, never through the thread pool.</summary>
    public T Read<T>(ReadPlan<T> plan, in ReadCall call) => RunSynchronously(new ValueTask<T>(ReadAsync(plan, call, sync: true)));

    /// <summary>
    /// A cached read; <paramref name="sync"/> runs it in the mode that completes synchronously. A
    /// <see cref="Task{TResult}"/>, so that the commonest shape returns it as it is, with no wrapper; built by
    /// <see cref="CallerTaskMethodBuilder{TResult}"/>, so that it faults with every exception the implementation's did.
    /// </summary>
    [AsyncMethodBuilder(typeof(CallerTaskMethodBuilder<>))]
    public async Task<T> ReadAsync<T>(ReadPlan<T> plan, ReadCall call, bool sync, int attempt = 1)
    {
        // The first GET's budget counts from the call's start: a few key-rendering nanoseconds, and one clock read
        // fewer. A later attempt's GET, after a shared load, has a budget of its own: the call's start may be longer
        // ago than a whole budget, which would time the GET out before Redis could answer it.
        var started = attempt == 1 ? call.Started : _time.GetTimestamp();
        var got = await Store.GetAsync(call.Key, sync, Options.RedisTimeout, started).ConfigureAwait(false);
        var miss = new Miss(attempt);
        Fallback<T>? fallback = null;
        if (got.IsOk)
        {
            if (got.Lease is { } lease)
            {
                EntryState state;
                T value;
                EntryStamp stamp;
                string? reason;
                byte[]? read = null;
                var now = NowMs();
                using (lease)
                {
                    // Decoded straight from the reply's pooled buffer, which goes back to the pool at once.
                    state = plan.Codec.Decode(lease.Memory, now, out value, out stamp, out reason);
                    if (state == EntryState.Stale)
                    {
                        read = lease.Memory.ToArray();
                    }
                }

                if (state == EntryState.Fresh)
                {
                    var details = value is null ? CacheEventDetails.NullValue : CacheEventDetails.None;
                    if (stamp.ExpiredAtMs != 0)
                    {
                        // Kept by fail-safe after its source failed, for the throttle.
                        details |= CacheEventDetails.Stale;
                        Telemetry.StaleServed(plan.Spec.Display, "source_failed");
                    }

                    if (MaybeRefreshEarly(plan, call, stamp, now))
                    {
                        details |= CacheEventDetails.RefreshStarted;
                    }

                    Report(plan, call, CacheOutcome.Hit, details);
                    return value;
                }

                miss = miss with { SawUnusableEntry = true };
                if (state == EntryState.Stale)
                {
                    fallback = new Fallback<T>(call.Key, value, stamp, read!);

                    // The lease step passes over this entry only: one stored since this GET is the key's new value.
                    miss = miss with { Replaces = plan.Codec.Header(stamp.Token) };
                }
                else
                {
                    Telemetry.CorruptEntry(plan.Spec.Display, reason!);
                    miss = miss with { Details = CacheEventDetails.CorruptEntry };
                }
            }
        }
        else if (got.Status == ReplyStatus.Refused && RedisErrors.IsWrongType(got.Error!))
        {
            Telemetry.CorruptEntry(plan.Spec.Display, "the key holds another Redis type than a string");
            miss = miss with { SawUnusableEntry = true, Details = CacheEventDetails.CorruptEntry };
        }
        else
        {
            var details = RedisTrouble(got, "get", plan.Spec.Display);
            if (ShouldThrow(got))
            {
                Report(plan, call, CacheOutcome.Bypass, details);
                throw Unavailable(got, "get", plan.Spec.Display);
            }

            miss = miss with { RedisUsable = false, Details = details };
        }

        return await MissAsync(plan, call, miss, fallback, sync).ConfigureAwait(false);
    }

    /// <summary>
    /// The load of a miss, shared with every concurrent miss of the key in this process; the fallback is
    /// the value this caller's own <c>GET</c> found past its freshness, when fail-safe keeps one.
    /// </summary>
    private async ValueTask<T> MissAsync<T>(ReadPlan<T> plan, ReadCall call, Miss miss, Fallback<T>? fallback, bool sync)
    {
        var cancellation = plan.CancellationOf(call.Arguments);
        var flight = JoinOrStart(plan, call, miss, fallback, sync, cancellation, out var snapshot);
        var leader = snapshot < 0;
        var joined = leader ? CacheEventDetails.None : CacheEventDetails.Coalesced;
        FlightResult<T> result;
        try
        {
            if (fallback is not null && plan.Spec.Freshness.HasSoftTimeout)
            {
                var (done, early) = await flight.TryWaitAsync(sync, plan.Spec.Freshness.SoftTimeout, _time, cancellation).ConfigureAwait(false);
                if (!done && TryServeFallback(plan, call, fallback, miss.Details | joined | CacheEventDetails.SoftTimedOut, "soft_timeout", out var stale))
                {
                    flight.Answered();
                    return stale;
                }

                result = done ? early : await flight.WaitAsync(sync, cancellation).ConfigureAwait(false);
            }
            else
            {
                result = await flight.WaitAsync(sync, cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            Report(plan, call, CacheOutcome.Miss, miss.Details | joined | CacheEventDetails.Canceled);
            throw;
        }

        var details = miss.Details | result.Details | joined;
        if (result.Error is { } error)
        {
            if (cancellation.IsCancellationRequested && error.SourceException is OperationCanceledException)
            {
                // A synchronous caller that ran the load itself and cancelled it: its load saw the token.
                Report(plan, call, CacheOutcome.Miss, (details & ~CacheEventDetails.TargetFailed) | CacheEventDetails.Canceled);
                error.Throw();
            }

            if ((result.Details & CacheEventDetails.TargetFailed) != 0 && TryServeFallback(plan, call, fallback, details, "source_failed", out var stale))
            {
                return stale;
            }

            Report(plan, call, result.Outcome, details);
            error.Throw();
        }

        if (result.Value is null)
        {
            details |= CacheEventDetails.NullValue;
        }

        if (leader || snapshot < result.AcceptBelow)
        {
            if ((result.Details & CacheEventDetails.Stale) != 0)
            {
                Telemetry.StaleServed(plan.Spec.Display, "source_failed");
            }

            Report(plan, call, result.Outcome, details);
            return leader ? result.Value : InstanceFor(plan, result);
        }

        // The shared load cannot be handed to this caller: it began before this caller's GET, and an
        // invalidation may have come between (its store was refused, or was already on its way). A value
        // loaded before a completed invalidation is never served after it: start over.
        // When the load could not use Redis (it bypassed, or its store failed), neither could a new attempt:
        // load alone at once rather than pay another GET's budget.
        var redisWorked = result.Outcome != CacheOutcome.Bypass && (result.Details & CacheEventDetails.StoreFailed) == 0;
        if (miss.Attempt < MaxAttempts && redisWorked)
        {
            Telemetry.LeaseEvent(plan.Spec.Display, "rejoined");
            return await ReadAsync(plan, call, sync, miss.Attempt + 1).ConfigureAwait(false);
        }

        return await LoadAloneAsync(plan, call, details & ~CacheEventDetails.Coalesced, fallback, sync).ConfigureAwait(false);
    }

    /// <summary>Calls the implementation for this caller alone and stores nothing: the last resort of a caller invalidated again and again.</summary>
    private async ValueTask<T> LoadAloneAsync<T>(ReadPlan<T> plan, ReadCall call, CacheEventDetails details, Fallback<T>? fallback, bool sync)
    {
        details |= CacheEventDetails.NotStored;
        T value;
        try
        {
            value = await CallSourceAsync(plan, call, sync).ConfigureAwait(false);
        }
        catch when (TryServeFallback(plan, call, fallback, details | CacheEventDetails.TargetFailed, "source_failed", out value))
        {
            return value;
        }
        catch
        {
            Report(plan, call, CacheOutcome.Miss, details | CacheEventDetails.TargetFailed);
            throw;
        }

        Report(plan, call, CacheOutcome.Miss, details | (value is null ? CacheEventDetails.NullValue : CacheEventDetails.None));
        return value;
    }

    /// <summary>
    /// Calls the implementation for a load — the one place a miss asks the source — and counts the call in
    /// <see cref="CacheAsideDiagnostics.Loads"/> with how it ended, whatever the caller then makes of it.
    /// </summary>
    private static async ValueTask<T> CallSourceAsync<T>(ReadPlan<T> plan, ReadCall load, bool sync)
    {
        T value;
        try
        {
            value = plan.Settle(await plan.LoadAsync(load.Target, load.Arguments, sync).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            CacheAsideTelemetry.Loaded(plan.Spec.Display, ex is OperationCanceledException ? CacheAsideTelemetry.LoadCanceled : CacheAsideTelemetry.LoadFailed);
            throw;
        }

        CacheAsideTelemetry.Loaded(plan.Spec.Display, CacheAsideTelemetry.LoadSucceeded);
        return value;
    }

    /// <summary>
    /// The value of a shared load for a caller that joined it: an instance of its own, decoded from the load's
    /// entry, as a hit would be — unless instances of the type may be shared, or the value has no entry to be
    /// copied from (it could not be encoded faithfully), when the one instance is all there is.
    /// </summary>
    private static T InstanceFor<T>(ReadPlan<T> plan, in FlightResult<T> result) =>
        result.Entry is { } entry && !plan.Codec.SharesInstances && plan.Codec.Decode(entry, long.MinValue, out var copy, out _, out _) != EntryState.Unreadable
            ? copy
            : result.Value;

    /// <summary>
    /// Encodes a loaded value for storing; <see langword="false"/> (with the reason in <paramref name="details"/>)
    /// when it is not to be stored: a <see langword="null"/> the method does not cache, a value that would not
    /// read back as it is (the serializer's refusal included), or an entry above <see cref="CacheAsideOptions.MaxPayloadBytes"/>.
    /// <paramref name="ttl"/> is how long the entry lives in Redis: its time to live, and the fail-safe window when there is one.
    /// </summary>
    private bool TryPrepareEntry<T>(ReadPlan<T> plan, T value, ulong token, long loadMs, [NotNullWhen(true)] out byte[]? entry, out TimeSpan ttl, ref CacheEventDetails details)
    {
        entry = null;
        if (value is null)
        {
            if (plan.Spec.NullTtl is not { } nullTtl)
            {
                details |= CacheEventDetails.NotStored;
                ttl = default;
                return false;
            }

            ttl = nullTtl;
        }
        else
        {
            ttl = WithJitter(plan.Spec.Ttl);
        }

        var now = NowMs();
        var freshUntil = now + RedisStore.Milliseconds(ttl);
        ttl = Lifetime(plan, ttl);
        if (!plan.Codec.TryEncode(value, new EntryStamp(token, now, Math.Max(1, loadMs), freshUntil), Options.MaxPayloadBytes, out entry, out var problem, out var tooLarge))
        {
            details |= CacheEventDetails.NotStored;
            if (tooLarge)
            {
                details |= CacheEventDetails.TooLarge;
                Telemetry.TooLarge(plan.Spec.Display, Options.MaxPayloadBytes);
            }
            else
            {
                Telemetry.NotStored(plan.Spec.Display, problem!);
            }

            return false;
        }

        return true;
    }

    private void Report<T>(ReadPlan<T> plan, in ReadCall call, CacheOutcome outcome, CacheEventDetails details) =>
        Telemetry.Completed(CacheOperation.Read, plan.Spec.Display, call.Key, outcome, call.Started, details);

    /// <summary>What a miss knows when it goes to the load: which attempt it is, and what its GET saw.</summary>
    /// <param name="Attempt">1 for the first; more when a shared load could not be handed over.</param>
    private readonly record struct Miss(int Attempt)
    {
        /// <summary>Gets whether Redis may be used for this miss: false after its GET failed.</summary>
        public bool RedisUsable { get; init; } = true;

        /// <summary>Gets whether the GET found an entry that is not a hit (unreadable, or stale), which the lease step must not hand back.</summary>
        public bool SawUnusableEntry { get; init; }

        public CacheEventDetails Details { get; init; }

        /// <summary>Gets whether this is a background early refresh, which nobody waits for: it gives up when another caller holds the lease.</summary>
        public bool Refresh { get; init; }

        /// <summary>
        /// Gets the header of the entry the GET found past its freshness (for an early refresh, the one its hit read):
        /// the lease step passes over that entry only, since a key holding another was loaded since, and is not loaded again.
        /// </summary>
        public byte[]? Replaces { get; init; }
    }
}
