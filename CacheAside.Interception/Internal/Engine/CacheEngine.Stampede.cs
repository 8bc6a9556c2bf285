using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using CacheAside.Interception.Internal.Plans;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// Loads shared in this process: concurrent misses of one key join one <see cref="Flight{T}"/>, so the
/// implementation is called once and Redis sees one lease step for all of them.
/// </summary>
/// <remarks>
/// <para>
/// A caller may take a shared load's value only when that cannot hand it something older than a completed
/// invalidation. Each flight counts its steps (a Redis read that can return a value, the start of the load,
/// the store) in a version; a joiner notes the version when it joins, after its own <c>GET</c> missed. The
/// result says from which version on a joiner must not take it (<see cref="FlightResult{T}.AcceptBelow"/>):
/// a value read from Redis, only by callers that joined before that read was sent; a value stored under a
/// still-valid lease, only by callers that joined before the store was sent; any other loaded value, only by
/// callers that joined before the load started — an invalidation that completed before such a caller's
/// <c>GET</c> was then certainly before the load began. A caller that may not take it starts over with a
/// <c>GET</c>. The caller that started the flight always takes its own load: it began before any write that
/// could make it stale.
/// </para>
/// <para>
/// Synchronous and asynchronous callers have separate flights, so a synchronous caller never waits for work
/// that needs the thread pool; the two kinds meet through the Redis lease, as two processes do.
/// </para>
/// </remarks>
internal sealed partial class CacheEngine
{
    /// <summary>For tests: how many callers wait for the load of <paramref name="key"/> in this process (0 when none runs).</summary>
    internal int Waiting(string key, bool sync) =>
        (sync ? _syncFlights : _asyncFlights).TryGetValue(key, out var flight) ? ((IFlight)flight).Waiting : 0;

    /// <summary>
    /// Joins the load of the key running in this process, or starts one. A load that no caller arriving now
    /// could take the value of (it stores nothing, or was abandoned) is closed: it is replaced by a new one.
    /// </summary>
    private Flight<T> JoinOrStart<T>(ReadPlan<T> plan, in ReadCall call, in Miss miss, Fallback<T>? fallback, bool sync, CancellationToken cancellation, out int snapshot)
    {
        var flights = sync ? _syncFlights : _asyncFlights;
        while (true)
        {
            flights.TryGetValue(call.Key, out var existing);
            if (existing is Flight<T> running && running.TryJoin(out snapshot))
            {
                return running;
            }

            var mine = new Flight<T>(call.Key, flights, plan.HasCancellation);
            if (existing is null ? flights.TryAdd(call.Key, mine) : flights.TryUpdate(call.Key, mine, existing))
            {
                snapshot = -1;
                mine.Join();

                // A synchronous caller with a fallback and a soft timeout must be able to stop waiting: its
                // load then runs on the thread pool rather than on its thread.
                var offload = sync && fallback is not null && plan.Spec.Freshness.HasSoftTimeout;
                var (flightCall, flightMiss) = (call, miss);
                if (offload)
                {
                    _ = Task.Run(() => RunFlightAsync(mine, plan, flightCall, flightMiss, sync: false, fallback));
                    return mine;
                }

                // A synchronous caller runs the load on its own thread, so it never waits for it where its token is
                // watched: its token counts as its leaving, which cancels the load once nobody else waits for it.
                using var leaving = sync ? cancellation.UnsafeRegister(static state => ((IFlight)state!).Leave(), mine) : default;
                var started = RunFlightAsync(mine, plan, call, miss, sync, fallback);
                if (sync && !started.IsCompleted)
                {
                    Interlocked.Increment(ref _syncFallbacks);
                }

                return mine;
            }
        }
    }

    /// <summary>
    /// Runs a flight to its result: the one load of a key for every caller that joins it. The fallback, the
    /// value its first caller found past its freshness, is kept for the throttle when the source fails.
    /// </summary>
    private async Task<FlightResult<T>> RunFlightAsync<T>(Flight<T> flight, ReadPlan<T> plan, ReadCall call, Miss miss, bool sync, Fallback<T>? fallback)
    {
        var load = call with { Arguments = plan.WithCancellation(call.Arguments, flight.LoadCancellation) };
        FlightResult<T> result;
        try
        {
            result = !miss.RedisUsable
                ? await LoadUncachedAsync(flight, plan, load, CacheOutcome.Bypass, CacheEventDetails.None, sync).ConfigureAwait(false)
                : Options.UseLeases
                    ? await LeasedLoadAsync(flight, plan, load, miss, fallback, sync).ConfigureAwait(false)
                    : await PlainLoadAsync(flight, plan, load, miss, fallback, sync).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            result = FlightResult<T>.Failed(ExceptionDispatchInfo.Capture(ex), CacheOutcome.Miss, CacheEventDetails.None);
        }

        if (result.Entry is null && result.Error is null && result.Value is not null && !plan.Codec.SharesInstances && flight.Waiting > 1)
        {
            // Callers that joined get instances of their own, decoded from an entry (see InstanceFor); a load
            // that stored none encodes one for them now, before the caller that started it can change the value.
            result = result with { Entry = plan.Codec.TryEncode(result.Value, default, int.MaxValue, out var copy, out _, out _) ? copy : null };
        }

        flight.Complete(result);
        return result;
    }

    /// <summary>Calls the implementation for a flight and stores nothing.</summary>
    private static async ValueTask<FlightResult<T>> LoadUncachedAsync<T>(Flight<T> flight, ReadPlan<T> plan, ReadCall load, CacheOutcome outcome, CacheEventDetails details, bool sync)
    {
        // Its value may go only to callers already waiting (a write may come during the load): closed to the others.
        var loadVersion = flight.Advance(close: true);
        T value;
        try
        {
            value = await CallSourceAsync(plan, load, sync).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return FlightResult<T>.Failed(ExceptionDispatchInfo.Capture(ex), outcome, details | SourceFailure(flight));
        }

        return new FlightResult<T>(value, outcome, details, loadVersion);
    }

    /// <summary>What a load that threw reports: a failure of the source, unless every caller gave up and cancelled it.</summary>
    private static CacheEventDetails SourceFailure(IFlight flight) => flight.Abandoned ? CacheEventDetails.Canceled : CacheEventDetails.TargetFailed;

    /// <summary>The result of a flight, with the rule for handing it to callers that joined it.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="Value">The value, when there is no error.</param>
    /// <param name="Outcome">The outcome reported for every caller that takes it.</param>
    /// <param name="Details">The details reported for every caller that takes it.</param>
    /// <param name="AcceptBelow">A joiner that joined at a lower version may take the value; others start over.</param>
    internal readonly record struct FlightResult<T>(T Value, CacheOutcome Outcome, CacheEventDetails Details, int AcceptBelow)
    {
        /// <summary>Gets what the load threw, for every caller that shared it.</summary>
        public ExceptionDispatchInfo? Error { get; init; }

        /// <summary>Gets whether a background refresh gave up, another caller holding the lease: there is no value.</summary>
        public bool Busy { get; init; }

        /// <summary>
        /// Gets whether a load that nobody waits for (a background refresh, or a load every caller of which was answered
        /// from its fallback) gave up, not holding the lease, before calling the source: there is no value.
        /// </summary>
        public bool Unleased { get; init; }

        /// <summary>Gets the entry the value was stored as or read from, if any: what callers that joined decode an instance of their own from.</summary>
        public byte[]? Entry { get; init; }

        public static FlightResult<T> Failed(ExceptionDispatchInfo error, CacheOutcome outcome, CacheEventDetails details) =>
            new(default!, outcome, details, int.MaxValue) { Error = error };
    }

    /// <summary>One load in flight in this process, and the callers waiting for it.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    internal sealed class Flight<T> : IFlight
    {
        private readonly ConcurrentDictionary<string, object> _flights;
        private readonly TaskCompletionSource<FlightResult<T>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource? _loadCancellation;
        private readonly Lock _lock = new();
        private int _version;
        private int _waiting;
        private int _answered;
        private bool _done;
        private bool _closed;
        private bool _abandoned;

        public Flight(string key, ConcurrentDictionary<string, object> flights, bool cancellable)
        {
            Key = key;
            _flights = flights;
            _loadCancellation = cancellable ? new CancellationTokenSource() : null;
        }

        public string Key { get; }

        public int Waiting
        {
            get
            {
                lock (_lock)
                {
                    return _done ? 0 : _waiting;
                }
            }
        }

        /// <summary>Gets the token the shared load runs with: cancelled only once every caller waiting for it has given up.</summary>
        public CancellationToken LoadCancellation => _loadCancellation?.Token ?? CancellationToken.None;

        /// <summary>Gets whether the lease of the load was found voided while it ran (a renewal was refused).</summary>
        public bool LeaseLost { get; set; }

        /// <summary>Gets whether every caller gave up waiting, so the load was cancelled.</summary>
        public bool Abandoned
        {
            get
            {
                lock (_lock)
                {
                    return _abandoned;
                }
            }
        }

        /// <summary>Adds a caller unless the flight has its result already or is closed; <paramref name="snapshot"/> is the version it joined at.</summary>
        public bool TryJoin(out int snapshot)
        {
            lock (_lock)
            {
                snapshot = _version;
                if (_done || _closed)
                {
                    return false;
                }

                _waiting++;
                return true;
            }
        }

        /// <summary>Adds the caller that started the flight.</summary>
        public void Join()
        {
            lock (_lock)
            {
                _waiting++;
            }
        }

        /// <summary>A caller that stopped waiting at the soft timeout was answered from its fallback: it will not take the result.</summary>
        public void Answered()
        {
            lock (_lock)
            {
                _answered++;
            }
        }

        /// <summary>
        /// Closes the flight when every caller that joined it has been answered otherwise (from a fallback, at the soft
        /// timeout): its result would go to nobody. <see langword="false"/> while any caller still waits for it.
        /// </summary>
        public bool TryCloseUnwatched()
        {
            lock (_lock)
            {
                if (_waiting > _answered)
                {
                    return false;
                }

                _closed = true;
                return true;
            }
        }

        /// <summary>Lets no more callers join: none arriving from now on could take the result.</summary>
        public void Close()
        {
            lock (_lock)
            {
                _closed = true;
            }
        }

        /// <summary>
        /// Marks a step that joiners must be placed before or after; returns the version the step has. With
        /// <paramref name="close"/>, no caller joins after it: none could take what the step leads to.
        /// </summary>
        public int Advance(bool close = false)
        {
            lock (_lock)
            {
                _closed |= close;
                return ++_version;
            }
        }

        /// <summary>Waits for the result; the caller's own token stops only its own wait.</summary>
        public async ValueTask<FlightResult<T>> WaitAsync(bool sync, CancellationToken cancellation)
        {
            var result = _completion.Task;
            if (!cancellation.CanBeCanceled || result.IsCompleted)
            {
                return sync ? result.GetAwaiter().GetResult() : await result.ConfigureAwait(false);
            }

            try
            {
                if (sync)
                {
                    // The result is set by the thread that runs the flight, itself a synchronous caller:
                    // nothing here waits for the thread pool.
                    result.Wait(cancellation);
                    return result.Result;
                }

                return await result.WaitAsync(cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                Leave();
                throw;
            }
        }

        /// <summary>
        /// Waits for the result at most <paramref name="timeout"/>; <see langword="false"/> when it had not come.
        /// A caller that stops waiting so still counts as waiting, so that its going never cancels the load,
        /// which goes on to store its result.
        /// </summary>
        public async ValueTask<(bool Done, FlightResult<T> Result)> TryWaitAsync(bool sync, TimeSpan timeout, TimeProvider time, CancellationToken cancellation)
        {
            var result = _completion.Task;
            if (result.IsCompleted)
            {
                return (true, result.Result);
            }

            try
            {
                // One clock for both modes: the timeout runs on the configured TimeProvider. On the system clock a
                // synchronous caller waits in the kernel, so a starved thread pool cannot make its timeout late; on any
                // other it blocks on the same timed wait as an asynchronous caller. Its load runs on the thread pool
                // (see JoinOrStart), which sets the result.
                if (sync && ReferenceEquals(time, TimeProvider.System))
                {
                    return result.Wait(timeout, cancellation) ? (true, result.Result) : (false, default);
                }

                var timed = result.WaitAsync(timeout, time, cancellation);
                return (true, sync ? timed.GetAwaiter().GetResult() : await timed.ConfigureAwait(false));
            }
            catch (TimeoutException)
            {
                return (false, default);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                Leave();
                throw;
            }
        }

        /// <summary>Hands the result to every caller that joined, and lets new callers start a new flight.</summary>
        public void Complete(in FlightResult<T> result)
        {
            lock (_lock)
            {
                _done = true;
            }

            _flights.TryRemove(new KeyValuePair<string, object>(Key, this));
            _completion.TrySetResult(result);
            _loadCancellation?.Dispose();
        }

        /// <summary>A caller gave up waiting; the last to go cancels the load, which no caller may join from then on.</summary>
        public void Leave()
        {
            bool last;
            lock (_lock)
            {
                last = --_waiting == 0 && !_done;
                _closed |= last;
                _abandoned |= last;
            }

            if (last)
            {
                try
                {
                    _loadCancellation?.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // Completed meanwhile: nothing left to cancel.
                }
            }
        }
    }

    /// <summary>What every flight tells whoever does not know its result type.</summary>
    private interface IFlight
    {
        int Waiting { get; }

        bool Abandoned { get; }

        void Leave();
    }
}
