using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Diagnostics;
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
        var error = keys is null ? null : Runtime.Store.Delete(keys);
        Completed(keys, names, error, started);
    }

    protected async Task InvalidateAsync(object?[] arguments, long started)
    {
        var keys = RenderKeys(arguments, out var names);
        var error = keys is null ? null : await Runtime.Store.DeleteAsync(keys).ConfigureAwait(false);
        Completed(keys, names, error, started);
    }

    private void Completed(RedisKey[]? keys, string[] names, Exception? error, long started)
    {
        var outcome = CacheOutcome.Invalidated;
        if (keys is null)
        {
            outcome = CacheOutcome.InvalidationFailed;
        }
        else if (error is not null)
        {
            outcome = CacheOutcome.InvalidationFailed;
            Runtime.Telemetry.InvalidationFailed(Spec.Display, error, keys.Length);
        }

        Runtime.Telemetry.Completed(CacheOperation.Write, Spec.Display, names, outcome, started, CacheEventDetails.None);
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
