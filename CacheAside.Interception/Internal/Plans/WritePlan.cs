using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Redis;
using Castle.DynamicProxy;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// The invalidating write: call the implementation, and only when it completed successfully delete every
/// key the method names, rendered from its own arguments. The shapes differ only in how they wait for
/// completion; for tasks, the caller's task completes after the delete.
/// </summary>
internal abstract class WritePlan : MethodPlan
{
    protected WritePlan(MethodSpec spec, CacheAsideRuntime runtime)
        : base(spec, runtime)
    {
    }

    /// <summary>Calls the implementation; when it throws synchronously, reports and rethrows.</summary>
    protected void Proceed(IInvocation invocation, long started)
    {
        try
        {
            invocation.Proceed();
        }
        catch
        {
            TargetFailed(invocation.Arguments, started);
            throw;
        }
    }

    protected void TargetFailed(object?[] arguments, long started)
    {
        var keys = RenderKeys(arguments, out var names) is null ? [] : names;
        Runtime.Telemetry.Completed(CacheOperation.Write, Spec.Display, keys, CacheOutcome.NotInvalidated, started, CacheEventDetails.TargetFailed);
    }

    protected void Invalidate(object?[] arguments, long started)
    {
        var keys = RenderKeys(arguments, out var names);
        var deleted = keys is null ? WriteResult.Done : Runtime.Store.Delete(keys);
        Completed(keys, names, deleted, started);
    }

    protected async Task InvalidateAsync(object?[] arguments, long started)
    {
        var keys = RenderKeys(arguments, out var names);
        var deleted = keys is null ? WriteResult.Done : await Runtime.Store.DeleteAsync(keys).ConfigureAwait(false);
        Completed(keys, names, deleted, started);
    }

    /// <summary>
    /// Reports the write. A delete that failed or was skipped leaves stale entries until their time to
    /// live ends: that is logged at Warning with the method (never the keys), counted, and thrown only
    /// when <see cref="CacheAsideOptions.ThrowOnRedisErrors"/> asks for it — after the write succeeded.
    /// </summary>
    private void Completed(RedisKey[]? keys, string[] names, in WriteResult deleted, long started)
    {
        var outcome = CacheOutcome.Invalidated;
        var flags = CacheEventDetails.None;
        if (keys is null)
        {
            outcome = CacheOutcome.InvalidationFailed;
        }
        else if (!deleted.Succeeded)
        {
            outcome = CacheOutcome.InvalidationFailed;
            flags = deleted.Status == WriteStatus.Skipped ? CacheEventDetails.CircuitOpen : CacheEventDetails.None;
            Runtime.Telemetry.InvalidationFailed(Spec.Display, deleted.Error!, keys.Length);
        }

        Runtime.Telemetry.Completed(CacheOperation.Write, Spec.Display, names, outcome, started, flags);
        if (deleted.Error is { } error)
        {
            Runtime.ThrowIfRequested("del", Spec.Display, error);
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A key the cache cannot render must not fail a write that succeeded.")]
    private RedisKey[]? RenderKeys(object?[] arguments, out string[] names)
    {
        names = new string[Spec.Keys.Length];
        try
        {
            var keys = new RedisKey[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = Runtime.Keys.Build(Spec.Keys[i], arguments);
                keys[i] = names[i];
            }

            return keys;
        }
        catch (Exception ex)
        {
            names = [];
            Log.KeyFailed(Runtime.Telemetry.Logger, Spec.Display, ex);
            return null;
        }
    }
}
