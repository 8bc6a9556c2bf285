using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Diagnostics;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Skips Redis after repeated failures, so an outage costs callers nothing measurable. Closed, it lets
/// every command through and counts outcomes; it opens when, within the sampling window, at least the
/// minimum throughput of commands ran and the failure ratio was reached, or when at least that many
/// commands in a row failed over more than <see cref="StallSpan"/> without one success — a Redis that has
/// answered nothing for that long is down, whatever the window still holds from before the fault, while a
/// blip (a pause of the process, a burst of concurrent timeouts within a few budgets) does not switch the
/// cache off. Open, it refuses commands for the break duration; then exactly one command probes Redis,
/// and its outcome closes or reopens the breaker.
/// </summary>
/// <remarks>
/// Only <see cref="ReplyStatus.Failed"/> outcomes count: a reply about one command's data (<c>OOM</c>,
/// <c>WRONGTYPE</c>) means Redis is up, and one method's data must never switch the cache off for others.
/// Nothing here waits on anything: state changes are reported inline, on the thread that caused them, so
/// the breaker works the same for synchronous callers on a starved thread pool. The closed path is one
/// interlocked increment.
/// </remarks>
internal sealed class CircuitBreaker
{
    private const int Buckets = 10;

    private static readonly TimeSpan s_shortestStall = TimeSpan.FromMilliseconds(200);

    private const int Closed = 0;
    private const int Open = 1;
    private const int HalfOpen = 2;

    private readonly TimeProvider _time;
    private readonly double _failureRatio;
    private readonly int _minimumThroughput;
    private readonly long _bucketTicks;
    private readonly long _breakTicks;
    private readonly TimeSpan _breakDuration;
    private readonly CacheAsideTelemetry _listener;
    private readonly Bucket[] _buckets = new Bucket[Buckets];
    private readonly Lock _lock = new();

    private readonly long _stallTicks;
    private int _state;
    private long _openUntil;
    private int _consecutiveFailures;
    private long _firstFailureInRow;

    public CircuitBreaker(CacheAsideOptions options, CacheAsideTelemetry listener)
    {
        _time = options.TimeProvider;
        _failureRatio = options.CircuitBreakerFailureRatio;
        _minimumThroughput = options.CircuitBreakerMinimumThroughput;
        _bucketTicks = Math.Max(1, ToTicks(options.CircuitBreakerSamplingDuration) / Buckets);
        _breakTicks = ToTicks(options.CircuitBreakerBreakDuration);
        _breakDuration = options.CircuitBreakerBreakDuration;
        StallSpan = options.RedisTimeout * 4 > s_shortestStall ? options.RedisTimeout * 4 : s_shortestStall;
        _stallTicks = ToTicks(StallSpan);
        _listener = listener;
        for (var i = 0; i < Buckets; i++)
        {
            _buckets[i] = new Bucket();
        }
    }

    /// <summary>Gets how long failures in a row, without a success, must last to open the breaker: four budgets, at least 200 ms.</summary>
    public TimeSpan StallSpan { get; }

    /// <summary>Gets or sets what runs, inline, right after the breaker closed again (work that waited for Redis).</summary>
    public Action? AfterClosed { get; set; }

    /// <summary>Gets or sets what runs, inline, right after the breaker opened (callers waiting on Redis should stop).</summary>
    public Action? AfterOpened { get; set; }

    /// <summary>Gets whether the breaker is open or half-open (a probe is due or out): what a health check reports.</summary>
    public bool IsOpen => Volatile.Read(ref _state) != Closed;

    /// <summary>Gets whether a command sent now would be refused: open within its break, or half-open with its probe out.</summary>
    public bool IsRefusing
    {
        get
        {
            var state = Volatile.Read(ref _state);
            return state == HalfOpen || (state == Open && _time.GetTimestamp() < Volatile.Read(ref _openUntil));
        }
    }

    /// <summary>
    /// Asks to send one command. <see langword="false"/>: do not send it. <paramref name="probe"/> is true
    /// for the one command that tests Redis after a break; its outcome must be reported.
    /// </summary>
    public bool TryAcquire(out bool probe)
    {
        probe = false;
        var state = Volatile.Read(ref _state);
        if (state == Closed)
        {
            return true;
        }

        if (state == HalfOpen || _time.GetTimestamp() < Volatile.Read(ref _openUntil))
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _state, HalfOpen, Open) != Open)
        {
            return false;
        }

        probe = true;
        Tell(static b => b._listener.CircuitHalfOpened(), this);
        return true;
    }

    /// <summary>
    /// Reports that a command Redis answered (any answer, errors about data included), counted in the slice
    /// of the window it was sent in (<paramref name="sent"/>, a timestamp): at most a budget earlier than
    /// now, and a clock read fewer per command.
    /// </summary>
    public void Succeeded(bool probe, long sent)
    {
        if (probe)
        {
            lock (_lock)
            {
                ResetCounts();
                Volatile.Write(ref _state, Closed);
            }

            Tell(static b => b._listener.CircuitClosed(), this);
            Tell(static b => b.AfterClosed?.Invoke(), this);
            return;
        }

        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }

        Current(sent).AddSuccess();
    }

    /// <summary>Reports that Redis failed a command (connection, timeout, unavailability reply).</summary>
    public void Failed(bool probe, Exception error)
    {
        if (probe)
        {
            OpenNow(error);
            return;
        }

        var now = _time.GetTimestamp();
        var inARow = Interlocked.Increment(ref _consecutiveFailures);
        if (inARow == 1)
        {
            Volatile.Write(ref _firstFailureInRow, now);
        }

        var bucket = Current(now);
        bucket.AddFailure();
        if (Volatile.Read(ref _state) != Closed)
        {
            return;
        }

        if ((inARow >= _minimumThroughput && now - Volatile.Read(ref _firstFailureInRow) >= _stallTicks) || RatioReached())
        {
            OpenNow(error);
        }
    }

    private void OpenNow(Exception error)
    {
        lock (_lock)
        {
            var state = Volatile.Read(ref _state);
            if (state == Open)
            {
                return;
            }

            Volatile.Write(ref _openUntil, _time.GetTimestamp() + _breakTicks);
            Volatile.Write(ref _state, Open);
            ResetCounts();
        }

        Tell(static s => s.breaker._listener.CircuitOpened(s.breaker._breakDuration, s.error), (breaker: this, error));
        Tell(static b => b.AfterOpened?.Invoke(), this);
    }

    /// <summary>
    /// Tells a listener or a follower of a change of state, after the change. Whatever it throws (a metrics
    /// listener or a logger of the application's, work woken after disposal) is dropped: the breaker's state
    /// is already changed, and the command that changed it must still complete its caller's wait.
    /// </summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A listener's failure must not leave a change of state half done.")]
    private static void Tell<TState>(Action<TState> tell, TState state)
    {
        try
        {
            tell(state);
        }
        catch (Exception)
        {
            // Dropped, see above.
        }
    }

    private bool RatioReached()
    {
        var now = _time.GetTimestamp() / _bucketTicks;
        long successes = 0;
        long failures = 0;
        foreach (var bucket in _buckets)
        {
            if (now - bucket.Epoch < Buckets)
            {
                successes += bucket.Successes;
                failures += bucket.Failures;
            }
        }

        var total = successes + failures;
        return total >= _minimumThroughput && failures >= _failureRatio * total;
    }

    private Bucket Current(long timestamp)
    {
        var epoch = timestamp / _bucketTicks;
        var bucket = _buckets[(int)(epoch % Buckets)];

        // A slow answer sent a whole window ago counts in the newer slice that took its place, never resets it.
        if (bucket.Epoch < epoch)
        {
            lock (_lock)
            {
                if (bucket.Epoch < epoch)
                {
                    bucket.Reset(epoch);
                }
            }
        }

        return bucket;
    }

    private void ResetCounts()
    {
        foreach (var bucket in _buckets)
        {
            bucket.Reset(long.MinValue / 2);
        }

        Volatile.Write(ref _consecutiveFailures, 0);
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>Counts of one slice of the sampling window.</summary>
    private sealed class Bucket
    {
        private long _epoch = long.MinValue / 2;
        private long _successes;
        private long _failures;

        public long Epoch => Volatile.Read(ref _epoch);

        public long Successes => Volatile.Read(ref _successes);

        public long Failures => Volatile.Read(ref _failures);

        public void AddSuccess() => Interlocked.Increment(ref _successes);

        public void AddFailure() => Interlocked.Increment(ref _failures);

        public void Reset(long epoch)
        {
            Volatile.Write(ref _successes, 0);
            Volatile.Write(ref _failures, 0);
            Volatile.Write(ref _epoch, epoch);
        }
    }
}
