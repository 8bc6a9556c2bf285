using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using CacheAside.Interception.Internal.Entries;
using CacheAside.Interception.Internal.Plans;
using CacheAside.Interception.Internal.Redis;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// The lease protocol (after Facebook's memcache leases, NSDI 2013): a miss takes a lease on its key in
/// Redis, and only the holder of a still-valid lease may store; an invalidation deletes the value and voids
/// the lease, so a load that began before a write can never store after it. Callers that miss while
/// another process holds the lease wait for its store, told of it by a notification, and read the value.
/// </summary>
/// <remarks>
/// A lease expires on its own after <see cref="CacheAsideOptions.LeaseDuration"/>, so a loader that died
/// blocks nobody for long; a live loader renews it while its load runs, so a slow source is never
/// overtaken. A loader whose source throws, or whose result is not to be cached, releases the lease at once.
/// A waiter waits at most <see cref="CacheAsideOptions.LeaseWaitTimeout"/>, then loads by itself without
/// storing (the holder, still loading, keeps the right to store). Notifications travel on one pub/sub
/// channel per key prefix; a waiter that misses one polls instead.
/// </remarks>
internal sealed partial class CacheEngine
{
    private static readonly TimeSpan s_longestPoll = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, List<TaskCompletionSource>> _leaseWaiters = new(StringComparer.Ordinal);
    private readonly Lock _subscriptionLock = new();
    private ChannelMessageQueue? _subscription;
    private bool _subscribing;
    private long _nextSubscribeAttempt;

    /// <summary>The key of an entry's lease: its value key and a suffix, in the value key's hash slot.</summary>
    public static RedisKey LeaseKey(string valueKey) => valueKey + ":lease";

    private async ValueTask<FlightResult<T>> LeasedLoadAsync<T>(Flight<T> flight, ReadPlan<T> plan, ReadCall load, Miss miss, Fallback<T>? fallback, bool sync)
    {
        var token = NewToken();
        var keys = new RedisKey[] { load.Key, LeaseKey(load.Key) };
        var tokenValue = (RedisValue)token.ToString("x16", null);
        var leaseMs = RedisStore.Milliseconds(Options.LeaseDuration);
        var ignoreValue = miss.SawUnusableEntry;
        var replaces = miss.Replaces;
        var details = CacheEventDetails.None;
        var waitUntil = _time.GetTimestamp() + (long)(Options.LeaseWaitTimeout.TotalSeconds * _time.TimestampFrequency);

        while (true)
        {
            var readVersion = flight.Advance();
            RedisValue[] args = replaces is not null ? [tokenValue, leaseMs, 2, replaces] : [tokenValue, leaseMs, ignoreValue ? 1 : 0];
            var acquired = await Store.ScriptAsync(LeaseScripts.Acquire, keys, args, sync, Options.RedisTimeout).ConfigureAwait(false);
            if (!acquired.IsOk)
            {
                if (acquired.Status == ReplyStatus.Failed)
                {
                    // A lease step that timed out may still run later (a paused Redis runs what it queued), and
                    // would leave a lease nobody holds for others to wait on. A release sent after it, on the
                    // same connection, runs after it.
                    Release(keys, tokenValue);
                }

                details |= RedisTrouble(acquired, "lease", plan.Spec.Display);
                if (Unwatched(flight, miss))
                {
                    // A load that does not hold the lease could never store what it loaded, and nobody waits for it:
                    // a source call for nothing, which a Redis in trouble would repeat for every hot key near expiry.
                    return GaveUp<T>(details);
                }

                if (ShouldThrow(acquired))
                {
                    return FlightResult<T>.Failed(ExceptionDispatchInfo.Capture(Unavailable(acquired, "lease", plan.Spec.Display)), CacheOutcome.Bypass, details);
                }

                return await LoadUncachedAsync(flight, plan, load, acquired.Unavailable ? CacheOutcome.Bypass : CacheOutcome.Miss, details | CacheEventDetails.NotStored, sync).ConfigureAwait(false);
            }

            var reply = (RedisResult[])acquired.Result!;
            var kind = (long)reply[0];
            if (kind == LeaseScripts.FoundValue && miss.Refresh)
            {
                // Another load stored the key since the hit that started this refresh read it: it is loaded already.
                return new FlightResult<T>(default!, CacheOutcome.Miss, details, 0) { Busy = true };
            }

            if (kind == LeaseScripts.FoundValue)
            {
                var found = (byte[])reply[1]!;
                var state = plan.Codec.Decode(found, NowMs(), out var value, out var foundStamp, out var reason);
                if (state == EntryState.Fresh)
                {
                    // A fallback fail-safe kept after its source failed (as a waiter finds it when the loader it
                    // waited for failed) is past its own freshness: flagged as on a hit.
                    var stale = foundStamp.ExpiredAtMs != 0 ? CacheEventDetails.Stale : CacheEventDetails.None;
                    return new FlightResult<T>(value, CacheOutcome.Hit, details | stale, readVersion) { Entry = found };
                }

                if (reason is not null)
                {
                    Telemetry.CorruptEntry(plan.Spec.Display, reason);
                    details |= CacheEventDetails.CorruptEntry;
                }

                // Pass over this entry only (or, unreadable, whatever the key holds): one stored since is the key's new value.
                replaces = state == EntryState.Stale ? plan.Codec.Header(foundStamp.Token) : null;
                ignoreValue = true;
                continue;
            }

            if (kind == LeaseScripts.Granted)
            {
                break;
            }

            if (miss.Refresh)
            {
                // A background refresh never waits: whoever holds the lease is loading the key already.
                return new FlightResult<T>(default!, CacheOutcome.Miss, details, 0) { Busy = true };
            }

            // Another caller holds the lease: wait for its store (or its release, or the lease's end).
            if ((details & CacheEventDetails.WaitedForLoader) == 0)
            {
                details |= CacheEventDetails.WaitedForLoader;
                Telemetry.LeaseEvent(plan.Spec.Display, "waited");
            }

            var left = waitUntil - _time.GetTimestamp();
            if (left <= 0)
            {
                Telemetry.LeaseEvent(plan.Spec.Display, "wait_timed_out");
                if (Unwatched(flight, miss))
                {
                    return GaveUp<T>(details);
                }

                return await LoadUncachedAsync(flight, plan, load, CacheOutcome.Miss, details | CacheEventDetails.LeaseWaitTimedOut | CacheEventDetails.NotStored, sync).ConfigureAwait(false);
            }

            var holderLeft = TimeSpan.FromMilliseconds(Math.Max(1, (long)reply[1] + 5));
            var wait = Min(Min(holderLeft, s_longestPoll), TimeSpan.FromSeconds((double)left / _time.TimestampFrequency));
            await WaitForLeaseNewsAsync(load.Key, wait, sync).ConfigureAwait(false);

            // The holder may have stored meanwhile: look at the value again, even if this caller's own GET found
            // one it could not use (the lease step hands that one back, and it is then passed over at once).
            ignoreValue = false;
            replaces = null;
        }

        var loadVersion = flight.Advance();
        var loadStarted = _time.GetTimestamp();
        T loaded;
        using (StartRenewal(flight, keys[1], tokenValue, leaseMs))
        {
            try
            {
                loaded = await CallSourceAsync(plan, load, sync).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (flight.Abandoned || !KeepFallback(plan, fallback, token, keys, tokenValue))
                {
                    Release(keys, tokenValue);
                }

                return FlightResult<T>.Failed(ExceptionDispatchInfo.Capture(ex), CacheOutcome.Miss, details | SourceFailure(flight));
            }
        }

        var loadMs = (long)(TimeSpan.FromSeconds((double)(_time.GetTimestamp() - loadStarted) / _time.TimestampFrequency).TotalMilliseconds);
        if (!plan.StillRenders(load.Key, load.Arguments))
        {
            Release(keys, tokenValue);
            return ArgumentsChanged(loaded, details);
        }

        if (flight.LeaseLost)
        {
            Telemetry.LeaseEvent(plan.Spec.Display, "store_refused");
            return new FlightResult<T>(loaded, CacheOutcome.Miss, details | CacheEventDetails.StoreRefused, loadVersion);
        }

        if (!TryPrepareEntry(plan, loaded, token, loadMs, out var entry, out var ttl, ref details))
        {
            Release(keys, tokenValue);
            return new FlightResult<T>(loaded, CacheOutcome.Miss, details, loadVersion);
        }

        var storeVersion = flight.Advance();
        var stored = await Store.ScriptAsync(LeaseScripts.Store, keys, [tokenValue, entry, RedisStore.Milliseconds(ttl), _channelValue], sync, Options.RedisTimeout).ConfigureAwait(false);
        if (!stored.IsOk)
        {
            // The lease may still stand (a store that timed out, never reached Redis, or was refused while the entry's
            // slot moved between cluster nodes): end it, or callers waiting for this load would wait until it expires.
            Release(keys, tokenValue);
            details |= RedisTrouble(stored, "set", plan.Spec.Display) | CacheEventDetails.StoreFailed;
            if (ShouldThrow(stored))
            {
                return FlightResult<T>.Failed(ExceptionDispatchInfo.Capture(Unavailable(stored, "set", plan.Spec.Display)), CacheOutcome.Miss, details);
            }

            return new FlightResult<T>(loaded, CacheOutcome.Miss, details, loadVersion) { Entry = entry };
        }

        if ((long)stored.Result! == 1)
        {
            return new FlightResult<T>(loaded, CacheOutcome.Miss, details, storeVersion) { Entry = entry };
        }

        Telemetry.LeaseEvent(plan.Spec.Display, "store_refused");
        return new FlightResult<T>(loaded, CacheOutcome.Miss, details | CacheEventDetails.StoreRefused, loadVersion) { Entry = entry };
    }

    /// <summary>
    /// Whether nobody waits for this load's value: a background refresh, or a load every caller of which was answered
    /// from its fallback at the soft timeout (then closed, so a caller arriving now starts a load of its own).
    /// </summary>
    private static bool Unwatched<T>(Flight<T> flight, in Miss miss) => miss.Refresh || flight.TryCloseUnwatched();

    /// <summary>What a load nobody waits for ends with when it cannot hold the lease: no value, no source call.</summary>
    private static FlightResult<T> GaveUp<T>(CacheEventDetails details) =>
        new(default!, CacheOutcome.Miss, details | CacheEventDetails.NotStored, 0) { Unleased = true };

    /// <summary>The store without leases (<see cref="CacheAsideOptions.UseLeases"/> off): load, then a plain <c>SET</c>.</summary>
    private async ValueTask<FlightResult<T>> PlainLoadAsync<T>(Flight<T> flight, ReadPlan<T> plan, ReadCall load, Miss miss, Fallback<T>? fallback, bool sync)
    {
        var loadVersion = flight.Advance();
        var loadStarted = _time.GetTimestamp();
        T loaded;
        try
        {
            loaded = await CallSourceAsync(plan, load, sync).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (!flight.Abandoned)
            {
                KeepFallback(plan, fallback, NewToken(), keys: null, RedisValue.Null);
            }

            return FlightResult<T>.Failed(ExceptionDispatchInfo.Capture(ex), CacheOutcome.Miss, SourceFailure(flight));
        }

        var details = CacheEventDetails.None;
        if (!plan.StillRenders(load.Key, load.Arguments))
        {
            return ArgumentsChanged(loaded, details);
        }

        var loadMs = (long)(TimeSpan.FromSeconds((double)(_time.GetTimestamp() - loadStarted) / _time.TimestampFrequency).TotalMilliseconds);
        if (!TryPrepareEntry(plan, loaded, NewToken(), loadMs, out var entry, out var ttl, ref details))
        {
            return new FlightResult<T>(loaded, CacheOutcome.Miss, details, loadVersion);
        }

        var storeVersion = flight.Advance();
        var stored = await Store.SetAsync(load.Key, entry, ttl, sync, Options.RedisTimeout).ConfigureAwait(false);
        if (stored.IsOk)
        {
            return new FlightResult<T>(loaded, CacheOutcome.Miss, details, storeVersion) { Entry = entry };
        }

        details |= RedisTrouble(stored, "set", plan.Spec.Display) | CacheEventDetails.StoreFailed;
        if (ShouldThrow(stored))
        {
            return FlightResult<T>.Failed(ExceptionDispatchInfo.Capture(Unavailable(stored, "set", plan.Spec.Display)), CacheOutcome.Miss, details);
        }

        return new FlightResult<T>(loaded, CacheOutcome.Miss, details, loadVersion) { Entry = entry };
    }

    /// <summary>
    /// A load whose arguments no longer render its key (a caller answered before it ended changed them): what
    /// it loaded may belong to another key, so it is not stored, and only the caller that started it takes it.
    /// </summary>
    private static FlightResult<T> ArgumentsChanged<T>(T loaded, CacheEventDetails details) =>
        new(loaded, CacheOutcome.Miss, details | CacheEventDetails.NotStored, AcceptBelow: 0);

    /// <summary>
    /// Ends this caller's lease without storing, so a waiter loads at once. Sent in the background: the
    /// caller does not wait for it, and its failure only leaves the lease to expire on its own.
    /// </summary>
    private void Release(RedisKey[] keys, RedisValue token) => _ = ReleaseAsync(keys, token);

    private async Task ReleaseAsync(RedisKey[] keys, RedisValue token) =>
        await Store.ScriptAsync(LeaseScripts.Release, [keys[1]], [token, _channelValue, (string?)keys[0]], sync: false, Options.RedisTimeout).ConfigureAwait(false);

    /// <summary>Keeps the lease alive while a long load runs; a refused renewal means an invalidation voided it.</summary>
    private ITimer StartRenewal<T>(Flight<T> flight, RedisKey leaseKey, RedisValue token, long leaseMs)
    {
        var period = TimeSpan.FromMilliseconds(leaseMs / 3.0);
        return _time.CreateTimer(
            static state =>
            {
                var (engine, flight, key, token, leaseMs) = ((CacheEngine, Flight<T>, RedisKey, RedisValue, long))state!;
                _ = engine.RenewAsync(flight, key, token, leaseMs);
            },
            (this, flight, leaseKey, token, leaseMs),
            period,
            period);
    }

    private async Task RenewAsync<T>(Flight<T> flight, RedisKey leaseKey, RedisValue token, long leaseMs)
    {
        var renewed = await Store.ScriptAsync(LeaseScripts.Renew, [leaseKey], [token, leaseMs], sync: false, Options.RedisTimeout).ConfigureAwait(false);
        if (renewed.IsOk && (long)renewed.Result! == 0)
        {
            // An invalidation voided the lease: the load can no longer store, so no caller arriving from now on
            // could take its value. They start a load of their own rather than wait for this one.
            flight.LeaseLost = true;
            flight.Close();
        }
    }

    /// <summary>Waits until the lease of <paramref name="valueKey"/> changes hands (a store, a release, an invalidation), at most <paramref name="timeout"/>.</summary>
    private async ValueTask WaitForLeaseNewsAsync(string valueKey, TimeSpan timeout, bool sync)
    {
        EnsureSubscribed();
        var news = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_leaseWaiters)
        {
            if (!_leaseWaiters.TryGetValue(valueKey, out var waiters))
            {
                _leaseWaiters[valueKey] = waiters = [];
            }

            waiters.Add(news);
        }

        try
        {
            if (sync)
            {
                // Completed by the notification's handler or not at all: a starved pool only makes this poll. The poll
                // runs on the configured clock, as an asynchronous waiter's does, and never needs the pool for its end.
                ClockedWait.Block(news.Task, _time, _time.GetTimestamp(), timeout);
            }
            else
            {
                await news.Task.WaitAsync(timeout, _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            lock (_leaseWaiters)
            {
                if (_leaseWaiters.TryGetValue(valueKey, out var waiters) && waiters.Remove(news) && waiters.Count == 0)
                {
                    _leaseWaiters.Remove(valueKey);
                }
            }
        }
    }

    private void OnLeaseNews(string valueKey)
    {
        TaskCompletionSource[] woken;
        lock (_leaseWaiters)
        {
            if (!_leaseWaiters.Remove(valueKey, out var waiters))
            {
                return;
            }

            woken = [.. waiters];
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>
    /// Wakes every caller waiting for another's load: when the breaker opens, no notification will come, and
    /// their next look at the lease is skipped at once, so they load by themselves instead of waiting out a poll.
    /// </summary>
    private void WakeAllLeaseWaiters()
    {
        TaskCompletionSource[] woken;
        lock (_leaseWaiters)
        {
            woken = [.. _leaseWaiters.Values.SelectMany(w => w)];
            _leaseWaiters.Clear();
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Subscribes to lease notifications once, in the background; while that fails, tries again at most once a second.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Without a subscription, waiters poll; nothing may fail a call.")]
    private void EnsureSubscribed()
    {
        if (Volatile.Read(ref _subscription) is not null || !Options.UseLeases)
        {
            return;
        }

        var now = _time.GetTimestamp();
        lock (_subscriptionLock)
        {
            if (_subscription is not null || _subscribing || now < _nextSubscribeAttempt || _disposed != 0)
            {
                return;
            }

            _subscribing = true;
            _nextSubscribeAttempt = now + _time.TimestampFrequency;
        }

        Task<ChannelMessageQueue> pending;
        try
        {
            pending = Store.Writes.GetSubscriber().SubscribeAsync(_channel);
        }
        catch (Exception ex)
        {
            pending = Task.FromException<ChannelMessageQueue>(ex);
        }

        pending.ContinueWith(
            static (done, state) => ((CacheEngine)state!).Subscribed(done),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Subscribed(Task<ChannelMessageQueue> done)
    {
        var stale = false;
        lock (_subscriptionLock)
        {
            _subscribing = false;
            if (done.IsCompletedSuccessfully)
            {
                if (_disposed != 0)
                {
                    stale = true;
                }
                else
                {
                    _subscription = done.Result;
                    _subscription.OnMessage(message => OnLeaseNews((string)message.Message!));
                }
            }
        }

        if (stale)
        {
            Unsubscribe(done.Result);
        }
        else if (!done.IsCompletedSuccessfully)
        {
            Telemetry.SubscriptionFailed(done.Exception!.GetBaseException());
        }
    }

    private void StopSubscription()
    {
        ChannelMessageQueue? subscription;
        lock (_subscriptionLock)
        {
            subscription = _subscription;
            _subscription = null;
        }

        if (subscription is not null)
        {
            Unsubscribe(subscription);
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Disposal must not throw because Redis is gone.")]
    private static void Unsubscribe(ChannelMessageQueue subscription)
    {
        try
        {
            subscription.Unsubscribe(CommandFlags.FireAndForget);
        }
        catch (Exception)
        {
            // The multiplexer may already be closed.
        }
    }

    /// <summary>A token no other load will ever hold: the lease's, and the version of the entry it stores.</summary>
    private static ulong NewToken()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
