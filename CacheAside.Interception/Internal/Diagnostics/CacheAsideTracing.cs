using System.Diagnostics;
using System.Text;

namespace CacheAside.Interception.Internal.Diagnostics;

/// <summary>
/// The spans of the <see cref="CacheAsideDiagnostics.ActivitySourceName"/> source: one per completed call, made
/// when the call completes and dated back to its start, so the engine needs no hook at the start of a call and a
/// call costs nothing more when nobody listens (<see cref="ActivitySource.HasListeners"/> is checked first).
/// </summary>
/// <remarks>
/// A span made at the end cannot be the parent of what ran inside the call: the implementation's own spans on a
/// miss are its siblings under the caller's span. Keys go into spans only when
/// <see cref="CacheAsideOptions.RecordKeysInTraces"/> asks for it; values never do.
/// </remarks>
internal sealed class CacheAsideTracing
{
    public static readonly ActivitySource Source = new(CacheAsideDiagnostics.ActivitySourceName, typeof(CacheAsideTracing).Assembly.GetName().Version?.ToString());

    private static readonly (CacheEventDetails Flag, string Name)[] s_detailNames = Enum.GetValues<CacheEventDetails>()
        .Where(d => d != CacheEventDetails.None)
        .Select(d => (d, SnakeCase(d.ToString())))
        .ToArray();

    private readonly bool _recordKeys;
    private readonly bool _leases;
    private readonly TimeProvider _time;

    public CacheAsideTracing(CacheAsideOptions options)
    {
        _recordKeys = options.RecordKeysInTraces;
        _leases = options.UseLeases;
        _time = options.TimeProvider;
    }

    /// <summary>Records the span of a call that took <paramref name="elapsed"/> and has just completed; call it only when <see cref="Source"/> has listeners.</summary>
    public void Completed(CacheOperation operation, string method, string? key, string[]? keys, CacheOutcome outcome, CacheEventDetails details, TimeSpan elapsed)
    {
        var end = _time.GetUtcNow();
        using var activity = Source.StartActivity(Name(operation), ActivityKind.Internal, parentContext: default, startTime: end - elapsed);
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(CacheAsideDiagnostics.OperationTag, CacheAsideMetrics.Name(operation));
            activity.SetTag(CacheAsideDiagnostics.MethodTag, method);
            activity.SetTag(CacheAsideDiagnostics.OutcomeTag, CacheAsideMetrics.Name(outcome));
            if (details != CacheEventDetails.None)
            {
                activity.SetTag(CacheAsideDiagnostics.DetailsTag, DetailNames(details));
            }

            if ((details & CacheEventDetails.Stale) != 0)
            {
                activity.SetTag(CacheAsideDiagnostics.StaleReasonTag, (details & CacheEventDetails.SoftTimedOut) != 0 ? "soft_timeout" : "source_failed");
            }

            if (Commands(operation, outcome, details, _leases) is { } commands)
            {
                activity.SetTag(CacheAsideDiagnostics.RedisCommandsTag, commands);
            }

            if (_recordKeys && (keys is { Length: > 0 } || !string.IsNullOrEmpty(key)))
            {
                activity.SetTag(CacheAsideDiagnostics.KeysTag, keys ?? [key!]);
            }
        }

        if ((details & CacheEventDetails.TargetFailed) != 0)
        {
            // An error even when fail-safe answered the caller: the source failed, and only the caller was spared it.
            activity.SetStatus(
                ActivityStatusCode.Error,
                (details & CacheEventDetails.Stale) != 0
                    ? "The implementation failed; fail-safe answered the caller with the last value, past its time to live, instead of the exception."
                    : "The implementation failed; its exception reached the caller unchanged.");
        }
        else if (outcome == CacheOutcome.InvalidationFailed)
        {
            activity.SetStatus(ActivityStatusCode.Error, "The write completed but its keys could not be invalidated; their entries live until their time to live ends.");
        }

        activity.SetEndTime(end.UtcDateTime);
    }

    /// <summary>The Redis commands a call's path implies, as <see cref="CacheAsideDiagnostics.RedisCommandsTag"/> documents them.</summary>
    internal static string? Commands(CacheOperation operation, CacheOutcome outcome, CacheEventDetails details, bool leases)
    {
        if (operation != CacheOperation.Read)
        {
            var sent = outcome == CacheOutcome.Invalidated
                || (outcome == CacheOutcome.InvalidationFailed && (details & (CacheEventDetails.CircuitOpen | CacheEventDetails.KeyFailed)) == 0);
            return sent ? "del" : null;
        }

        if ((details & CacheEventDetails.KeyFailed) != 0 || (outcome == CacheOutcome.Bypass && (details & CacheEventDetails.CircuitOpen) != 0))
        {
            return null;
        }

        if ((details & (CacheEventDetails.Coalesced | CacheEventDetails.Canceled)) != 0 || outcome == CacheOutcome.Bypass)
        {
            return "get";
        }

        if (outcome == CacheOutcome.Hit)
        {
            return (details & CacheEventDetails.WaitedForLoader) != 0 ? "get lease" : "get";
        }

        var stored = (details & (CacheEventDetails.NotStored | CacheEventDetails.TargetFailed)) == 0;
        return (leases, stored) switch
        {
            (true, true) => "get lease set",
            (true, false) => "get lease",
            (false, true) => "get set",
            _ => "get",
        };
    }

    private static string Name(CacheOperation operation) => operation switch
    {
        CacheOperation.Read => CacheAsideDiagnostics.ReadActivityName,
        CacheOperation.Write => CacheAsideDiagnostics.WriteActivityName,
        _ => CacheAsideDiagnostics.InvalidateActivityName,
    };

    private static string DetailNames(CacheEventDetails details)
    {
        var names = new StringBuilder();
        foreach (var (flag, name) in s_detailNames)
        {
            if ((details & flag) == flag)
            {
                names.Append(names.Length == 0 ? string.Empty : " ").Append(name);
            }
        }

        return names.ToString();
    }

    /// <summary>A member name in the snake case the other names use: <c>WaitedForLoader</c> → <c>waited_for_loader</c>.</summary>
    private static string SnakeCase(string name)
    {
        var snake = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && snake.Length > 0)
            {
                snake.Append('_');
            }

            snake.Append(char.ToLowerInvariant(c));
        }

        return snake.ToString();
    }
}
