using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CacheAside.Interception.Internal.Diagnostics;

/// <summary>
/// Where every outcome goes: observers, metrics and logs. Each costs nothing measurable when nobody
/// listens: no event is built without observers, instruments check for listeners, log calls check levels.
/// </summary>
internal sealed class CacheAsideTelemetry
{
    private readonly ICacheAsideObserver[] _observers;
    private readonly ConcurrentDictionary<(string Method, string Kind), byte> _reported = new();
    private readonly TimeProvider _time;
    private readonly LogThrottle _throttle;

    public CacheAsideTelemetry(IEnumerable<ICacheAsideObserver> observers, ILogger logger, TimeProvider time)
    {
        _observers = observers.ToArray();
        Logger = logger is NullLogger ? logger : new GuardedLogger(logger);
        _time = time;
        _throttle = new LogThrottle(time, TimeSpan.FromSeconds(30));
    }

    public ILogger Logger { get; }

    /// <summary>Gets the spans of completed calls, recorded only while the activity source has listeners.</summary>
    public CacheAsideTracing? Tracing { get; init; }

    public long Start() => _time.GetTimestamp();

    /// <summary>A call ended. Its duration is read off the clock only when something records it.</summary>
    public void Completed(CacheOperation operation, string method, string key, CacheOutcome outcome, long started, CacheEventDetails flags)
    {
        if (!Listening(out var metrics, out var tracing))
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(started);
        Record(operation, method, outcome, elapsed, metrics);
        Trace(tracing, operation, method, key, null, outcome, flags, elapsed);

        if (Logger.IsEnabled(LogLevel.Trace))
        {
            Log.CallKey(Logger, operation, method, key);
        }

        if (_observers.Length > 0)
        {
            Notify(new CacheAsideEvent(operation, method, [key], outcome, elapsed, flags));
        }
    }

    public void Completed(CacheOperation operation, string method, string[] keys, CacheOutcome outcome, long started, CacheEventDetails flags)
    {
        if (!Listening(out var metrics, out var tracing))
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(started);
        Record(operation, method, outcome, elapsed, metrics);
        Trace(tracing, operation, method, null, keys, outcome, flags, elapsed);
        if (_observers.Length > 0)
        {
            Notify(new CacheAsideEvent(operation, method, keys, outcome, elapsed, flags));
        }
    }

    /// <summary>A Redis command failed; the call went on without the cache. Counted always, logged as <see cref="LogThrottle"/> allows.</summary>
    public void RedisFailed(string command, string method, Exception error)
    {
        CountRedisError(command, error);
        if (_throttle.ShouldLog(method, command + ":" + RedisErrors.Kind(error), out var heldBack))
        {
            Log.RedisFailed(Logger, command, method, error.GetType().Name, RedisErrors.Describe(error), heldBack, _throttle.Interval.TotalSeconds);
        }

        Log.RedisFailedDetail(Logger, command, method, error);
    }

    /// <summary>
    /// Keys could not be deleted (Redis failed, or the open breaker skipped it): after a write that completed, or in a call
    /// of <see cref="ICacheInvalidator"/> (<paramref name="operation"/> <see cref="CacheOperation.Invalidate"/>), which made no write.
    /// </summary>
    public void InvalidationFailed(CacheOperation operation, string method, Exception error, int keyCount)
    {
        if (!RedisErrors.IsSkipped(error))
        {
            CountRedisError("del", error);
        }

        if (_throttle.ShouldLog(method, "del:" + RedisErrors.Kind(error), out var heldBack))
        {
            if (operation == CacheOperation.Invalidate)
            {
                Log.ExplicitInvalidationFailed(Logger, error.GetType().Name, RedisErrors.Describe(error), keyCount, heldBack, _throttle.Interval.TotalSeconds);
            }
            else
            {
                Log.InvalidationFailed(Logger, method, error.GetType().Name, RedisErrors.Describe(error), keyCount, heldBack, _throttle.Interval.TotalSeconds);
            }
        }

        Log.RedisFailedDetail(Logger, "del", method, error);
    }

    public void CircuitOpened(TimeSpan breakDuration, Exception lastError)
    {
        CountCircuitState("open");
        Log.CircuitOpened(Logger, RedisErrors.Describe(lastError), breakDuration.TotalMilliseconds);
    }

    public void CircuitHalfOpened()
    {
        CountCircuitState("half_open");
        Log.CircuitHalfOpened(Logger);
    }

    public void CircuitClosed()
    {
        CountCircuitState("closed");
        Log.CircuitClosed(Logger);
    }

    private static void CountCircuitState(string state)
    {
        CacheAsideMetrics.Count(CacheAsideMetrics.CircuitStateChanges, 1, new TagList { { CacheAsideDiagnostics.CircuitStateTag, state } });
    }

    public void CorruptEntry(string method, string reason)
    {
        CacheAsideMetrics.Count(CacheAsideMetrics.CorruptEntries, 1, new TagList { { CacheAsideDiagnostics.MethodTag, method } });

        if (_throttle.ShouldLog(method, "corrupt", out var heldBack))
        {
            Log.CorruptEntry(Logger, method, reason, heldBack, _throttle.Interval.TotalSeconds);
        }
    }

    /// <summary>A <see cref="CacheAsideDiagnostics.LoadResultTag"/>: the implementation returned a value.</summary>
    public const string LoadSucceeded = "succeeded";

    /// <summary>A <see cref="CacheAsideDiagnostics.LoadResultTag"/>: the implementation threw, or its task faulted.</summary>
    public const string LoadFailed = "failed";

    /// <summary>A <see cref="CacheAsideDiagnostics.LoadResultTag"/>: the implementation's call ended cancelled.</summary>
    public const string LoadCanceled = "canceled";

    /// <summary>The cache called an implementation on a miss, and the call ended with <paramref name="result"/>: one load, however many callers shared it.</summary>
    public static void Loaded(string method, string result)
    {
        CacheAsideMetrics.Count(CacheAsideMetrics.Loads, 1, new TagList { { CacheAsideDiagnostics.LoadResultTag, result }, { CacheAsideDiagnostics.MethodTag, method } });
    }

    /// <summary>A step of the lease protocol worth counting: <c>waited</c>, <c>wait_timed_out</c>, <c>store_refused</c>, <c>rejoined</c>.</summary>
    public void LeaseEvent(string method, string leaseEvent)
    {
        CacheAsideMetrics.Count(CacheAsideMetrics.LeaseEvents, 1, new TagList { { CacheAsideDiagnostics.LeaseEventTag, leaseEvent }, { CacheAsideDiagnostics.MethodTag, method } });

        Log.LeaseEvent(Logger, method, leaseEvent);
    }

    /// <summary>A background early refresh ended: <c>stored</c>, <c>busy</c>, <c>no_lease</c>, <c>refused</c>, <c>not_stored</c> or <c>failed</c>.</summary>
    public void Refreshed(string method, string result)
    {
        CacheAsideMetrics.Count(CacheAsideMetrics.Refreshes, 1, new TagList { { CacheAsideDiagnostics.RefreshResultTag, result }, { CacheAsideDiagnostics.MethodTag, method } });

        Log.Refreshed(Logger, method, result);
    }

    /// <summary>Fail-safe answered a call with a value past its time to live: <c>source_failed</c> or <c>soft_timeout</c>. Counted always, logged as <see cref="LogThrottle"/> allows.</summary>
    public void StaleServed(string method, string reason)
    {
        CacheAsideMetrics.Count(CacheAsideMetrics.StaleServed, 1, new TagList { { CacheAsideDiagnostics.ReasonTag, reason }, { CacheAsideDiagnostics.MethodTag, method } });

        if (_throttle.ShouldLog(method, "stale", out var heldBack))
        {
            Log.StaleServed(Logger, method, reason, heldBack, _throttle.Interval.TotalSeconds);
        }
    }

    /// <summary>Rendering a key threw: the call went to the implementation without the cache.</summary>
    public void KeyFailed(string method, Exception error)
    {
        if (FirstTime(method, "key"))
        {
            Log.KeyFailed(Logger, method, error);
        }
    }

    /// <summary>A result that would not read back as it is (or that the serializer refused): returned uncached, counted, logged once per method.</summary>
    public void NotStored(string method, string problem)
    {
        CountRejected(method, "not_round_trippable");
        if (FirstTime(method, "encode"))
        {
            Log.NotStored(Logger, method, problem);
        }
    }

    /// <summary>An entry above the size limit: returned uncached, counted, logged once per method, never a Redis command.</summary>
    public void TooLarge(string method, int limit)
    {
        CountRejected(method, "too_large");
        if (FirstTime(method, "too_large"))
        {
            Log.TooLarge(Logger, method, limit);
        }
    }

    /// <summary>Redis refused a write because it is full (<c>maxmemory</c> reached with <c>noeviction</c>).</summary>
    public void RedisOutOfMemory(string command, string method)
    {
        CountRedisError(command, "OOM");
        if (FirstTime(method, "oom"))
        {
            Log.RedisOutOfMemory(Logger, command, method);
        }
    }

    /// <summary>Counts what became of failed invalidations: <c>queued</c>, <c>repaired</c>, <c>expired</c>, <c>overflow</c>.</summary>
    public static void Repair(string result, int count)
    {
        if (count > 0)
        {
            CacheAsideMetrics.Count(CacheAsideMetrics.Repairs, count, new TagList { { CacheAsideDiagnostics.RepairResultTag, result } });
        }
    }

    /// <summary>An attempt of the background repairs failed for a reason other than Redis (a bug); they go on.</summary>
    public void RepairFailed(Exception error) => Log.RepairFailed(Logger, error);

    /// <summary>The subscription to lease notifications could not be made; waiters poll until it is.</summary>
    public void SubscriptionFailed(Exception error) => Log.SubscriptionFailed(Logger, RedisErrors.Describe(error));

    private bool FirstTime(string method, string kind) => _reported.TryAdd((method, kind), 0);

    private static void CountRejected(string method, string reason)
    {
        CacheAsideMetrics.Count(CacheAsideMetrics.RejectedEntries, 1, new TagList { { CacheAsideDiagnostics.ReasonTag, reason }, { CacheAsideDiagnostics.MethodTag, method } });
    }

    private static void CountRedisError(string command, Exception error) => CountRedisError(command, error.GetType().FullName!);

    private static void CountRedisError(string command, string errorType)
    {
        CacheAsideMetrics.Count(CacheAsideMetrics.RedisErrors, 1, new TagList { { CacheAsideDiagnostics.CommandTag, command }, { CacheAsideDiagnostics.ErrorTypeTag, errorType } });
    }

    /// <summary>
    /// Whether anything records a completed call — metrics, spans, the debug log, observers. Nobody
    /// listening, a call costs no clock read at its end.
    /// </summary>
    private bool Listening(out bool metrics, out CacheAsideTracing? tracing)
    {
        metrics = CacheAsideMetrics.Calls.Enabled || CacheAsideMetrics.CallDuration.Enabled;
        tracing = Tracing is { } spans && CacheAsideTracing.Source.HasListeners() ? spans : null;
        return metrics || tracing is not null || _observers.Length > 0 || Logger.IsEnabled(LogLevel.Debug);
    }

    private void Record(CacheOperation operation, string method, CacheOutcome outcome, TimeSpan elapsed, bool metrics)
    {
        if (metrics)
        {
            var tags = new TagList
            {
                { CacheAsideDiagnostics.OperationTag, CacheAsideMetrics.Name(operation) },
                { CacheAsideDiagnostics.OutcomeTag, CacheAsideMetrics.Name(outcome) },
                { CacheAsideDiagnostics.MethodTag, method },
            };
            CacheAsideMetrics.Count(CacheAsideMetrics.Calls, 1, tags);
            CacheAsideMetrics.Measure(CacheAsideMetrics.CallDuration, elapsed.TotalSeconds, tags);
        }

        Log.Call(Logger, operation, method, outcome, elapsed.TotalMilliseconds);
    }

    /// <summary>Records a completed call's span; an activity listener of the application's that throws is dropped, as an observer's failure is.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A listener's failure must never reach the caller.")]
    private static void Trace(CacheAsideTracing? tracing, CacheOperation operation, string method, string? key, string[]? keys, CacheOutcome outcome, CacheEventDetails flags, TimeSpan elapsed)
    {
        if (tracing is null)
        {
            return;
        }

        try
        {
            tracing.Completed(operation, method, key, keys, outcome, flags, elapsed);
        }
        catch (Exception)
        {
            // Dropped, see above.
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "An observer's failure must never reach the caller.")]
    private void Notify(in CacheAsideEvent cacheEvent)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCall(cacheEvent);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(Logger, observer.GetType().Name, ex);
            }
        }
    }
}
