using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;

namespace CacheAside.Interception.Internal.Diagnostics;

/// <summary>The instruments of the <see cref="CacheAsideDiagnostics.MeterName"/> meter.</summary>
internal static class CacheAsideMetrics
{
    private static readonly Meter s_meter = new(CacheAsideDiagnostics.MeterName, typeof(CacheAsideMetrics).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Calls = s_meter.CreateCounter<long>(CacheAsideDiagnostics.Calls, "{call}", "Intercepted calls by operation and outcome.");

    public static readonly Histogram<double> CallDuration = s_meter.CreateHistogram<double>(CacheAsideDiagnostics.CallDuration, "s", "Duration of intercepted calls, the implementation's time included.");

    public static readonly Counter<long> RedisErrors = s_meter.CreateCounter<long>(CacheAsideDiagnostics.RedisErrors, "{error}", "Redis commands that failed or timed out.");

    public static readonly Counter<long> CorruptEntries = s_meter.CreateCounter<long>(CacheAsideDiagnostics.CorruptEntries, "{entry}", "Stored entries that could not be read and were treated as misses.");

    public static readonly Counter<long> CircuitStateChanges = s_meter.CreateCounter<long>(CacheAsideDiagnostics.CircuitStateChanges, "{change}", "Circuit breaker state changes around Redis, by new state.");

    public static readonly Counter<long> Loads = s_meter.CreateCounter<long>(CacheAsideDiagnostics.Loads, "{call}", "Calls of implementations on misses, by result (succeeded, failed, canceled): one per load, however many callers shared it.");

    public static readonly Counter<long> LeaseEvents = s_meter.CreateCounter<long>(CacheAsideDiagnostics.LeaseEvents, "{event}", "Steps of the lease protocol: waits for another loader, waits that timed out, stores refused after an invalidation, callers that started over.");

    public static readonly Counter<long> RejectedEntries = s_meter.CreateCounter<long>(CacheAsideDiagnostics.RejectedEntries, "{entry}", "Results returned uncached because they could not be stored: too large, or not serializable.");

    public static readonly Counter<long> Repairs = s_meter.CreateCounter<long>(CacheAsideDiagnostics.Repairs, "{key}", "Keys whose invalidation failed and is retried in the background, by what became of them.");

    public static readonly Counter<long> Refreshes = s_meter.CreateCounter<long>(CacheAsideDiagnostics.Refreshes, "{refresh}", "Background early refreshes of entries about to expire, by result.");

    public static readonly Counter<long> StaleServed = s_meter.CreateCounter<long>(CacheAsideDiagnostics.StaleServed, "{call}", "Calls answered with a value past its time to live because the implementation failed or ran past the soft timeout (fail-safe).");

    /// <summary>
    /// Adds <paramref name="value"/> to <paramref name="counter"/> when something listens. A listener of the
    /// application's that throws fails neither the call being measured nor the cache: what it throws is dropped.
    /// </summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A metrics listener's failure must never reach a repository caller.")]
    public static void Count(Counter<long> counter, long value, in TagList tags)
    {
        if (!counter.Enabled)
        {
            return;
        }

        try
        {
            counter.Add(value, tags);
        }
        catch (Exception)
        {
            // Dropped, see above.
        }
    }

    /// <summary>Records <paramref name="value"/> in <paramref name="histogram"/> when something listens; as <see cref="Count"/>, nothing a listener throws gets out.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A metrics listener's failure must never reach a repository caller.")]
    public static void Measure(Histogram<double> histogram, double value, in TagList tags)
    {
        if (!histogram.Enabled)
        {
            return;
        }

        try
        {
            histogram.Record(value, tags);
        }
        catch (Exception)
        {
            // Dropped, see Count.
        }
    }

    public static string Name(CacheOperation operation) => operation switch
    {
        CacheOperation.Read => "read",
        CacheOperation.Write => "write",
        _ => "invalidate",
    };

    public static string Name(CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "hit",
        CacheOutcome.Miss => "miss",
        CacheOutcome.Bypass => "bypass",
        CacheOutcome.Invalidated => "invalidated",
        CacheOutcome.NotInvalidated => "not_invalidated",
        _ => "invalidation_failed",
    };
}
