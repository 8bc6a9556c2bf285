using System.Runtime.CompilerServices;
using CacheAside.Interception.Internal.Plans;
using CacheAside.Interception.Internal.Redis;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// The write path: the implementation has been called; once what it returned has completed successfully,
/// every key the method names is rendered from its own arguments and invalidated — the value deleted and
/// its lease voided, in one script per hash slot — and only then does the caller see the result. Written
/// once for every shape: a synchronous write runs it in the mode that completes synchronously.
/// </summary>
internal sealed partial class CacheEngine
{
    /// <summary>After a synchronous write returned: invalidates its keys before the caller sees its result.</summary>
    public void Written(WritePlan plan, object?[] arguments, long started) =>
        RunSynchronously(InvalidateAfterWriteAsync(plan, arguments, started, sync: true));

    /// <summary>
    /// After an asynchronous write returned its task: waits for it to complete, then invalidates, then completes.
    /// <paramref name="completion"/> is the implementation's task as <see cref="SourceFaults.Of{T}(Task{T})"/> awaits it, so
    /// that the caller's task faults with every exception the implementation's did.
    /// </summary>
    [AsyncMethodBuilder(typeof(CallerTaskMethodBuilder<>))]
    public async Task<T> WrittenAsync<T>(WritePlan plan, object?[] arguments, long started, ValueTask<T> completion)
    {
        T result;
        try
        {
            result = await completion.ConfigureAwait(false);
        }
        catch
        {
            WriteFailed(plan, arguments, started);
            throw;
        }

        await InvalidateAfterWriteAsync(plan, arguments, started, sync: false).ConfigureAwait(false);
        return result;
    }

    /// <summary>The implementation threw, or its task faulted or was cancelled: nothing is deleted.</summary>
    public void WriteFailed(WritePlan plan, object?[] arguments, long started)
    {
        var keys = plan.TryRenderKeys(arguments, out var rendered) ? rendered : [];
        Telemetry.Completed(CacheOperation.Write, plan.Spec.Display, keys, CacheOutcome.NotInvalidated, started, CacheEventDetails.TargetFailed);
    }

    /// <summary>
    /// Invalidates <paramref name="keys"/> (full value keys): deletes each value and voids its lease, so no
    /// load that began before this call can store afterwards. A Redis failure is reported, never thrown
    /// unless <see cref="CacheAsideOptions.ThrowOnRedisErrors"/> asks for it, and the keys are invalidated
    /// again in the background until Redis confirms it (<c>.Repair.cs</c>). <paramref name="keyFailed"/> says that a
    /// key of the call could not be rendered and is not among <paramref name="keys"/>: the call then reports
    /// <see cref="CacheOutcome.InvalidationFailed"/> even when these were deleted.
    /// </summary>
    public async ValueTask<bool> InvalidateAsync(CacheOperation operation, string method, string[] keys, long started, bool sync, CacheEventDetails keyFailed = CacheEventDetails.None)
    {
        var reply = await InvalidateInRedisAsync(keys, sync).ConfigureAwait(false);
        if (reply.IsOk)
        {
            Telemetry.Completed(operation, method, keys, keyFailed == CacheEventDetails.None ? CacheOutcome.Invalidated : CacheOutcome.InvalidationFailed, started, keyFailed);
            return keyFailed == CacheEventDetails.None;
        }

        var details = (RedisErrors.IsCircuitOpen(reply.Error!) ? CacheEventDetails.CircuitOpen : CacheEventDetails.None) | keyFailed;
        Telemetry.InvalidationFailed(operation, method, reply.Error!, keys.Length);
        QueueRepairs(keys);
        Telemetry.Completed(operation, method, keys, CacheOutcome.InvalidationFailed, started, details);
        if (ShouldThrow(reply))
        {
            throw Unavailable(reply, "del", method);
        }

        return false;
    }

    /// <summary>A synchronous invalidation, for <see cref="ICacheInvalidator.Invalidate(CacheKeyInterpolatedStringHandler)"/>.</summary>
    public bool Invalidate(CacheOperation operation, string method, string[] keys, long started) =>
        RunSynchronously(InvalidateAsync(operation, method, keys, started, sync: true));

    private async ValueTask<bool> InvalidateAfterWriteAsync(WritePlan plan, object?[] arguments, long started, bool sync)
    {
        // A key that cannot be rendered cannot be deleted; the others still are, so one throwing property leaves
        // only its own entry to its time to live.
        var all = plan.TryRenderKeys(arguments, out var keys);
        if (keys.Length == 0)
        {
            Telemetry.Completed(CacheOperation.Write, plan.Spec.Display, [], CacheOutcome.InvalidationFailed, started, CacheEventDetails.KeyFailed);
            return false;
        }

        return await InvalidateAsync(CacheOperation.Write, plan.Spec.Display, keys, started, sync, all ? CacheEventDetails.None : CacheEventDetails.KeyFailed).ConfigureAwait(false);
    }
}
