using System.Text.Json;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>A cached read returning a plain <typeparamref name="T"/>: the synchronous Redis API throughout.</summary>
internal sealed class SyncReadPlan<T> : ReadPlan<T>
{
    public SyncReadPlan(MethodSpec spec, CacheAsideRuntime runtime, JsonSerializerOptions json)
        : base(spec, runtime, json)
    {
    }

    public override void Intercept(IInvocation invocation)
    {
        Preparer?.Prepare(invocation.Arguments);
        var started = Runtime.Telemetry.Start();
        var key = RenderKey(invocation);
        if (key is null)
        {
            invocation.Proceed();
            return;
        }

        var read = Runtime.Store.Get(key);
        var flags = CacheEventDetails.None;
        if (TryHit(read, out var cached, ref flags))
        {
            invocation.ReturnValue = cached;
            Completed(key, CacheOutcome.Hit, started, flags);
            return;
        }

        ThrowIfRequested(read, key, started, flags);
        var outcome = MissOrBypass(read);
        try
        {
            invocation.Proceed();
        }
        catch
        {
            Completed(key, outcome, started, flags | CacheEventDetails.TargetFailed);
            throw;
        }

        var result = (T)invocation.ReturnValue!;
        if (result is null)
        {
            flags |= CacheEventDetails.NullValue;
        }

        if (outcome == CacheOutcome.Miss && TryPrepareStore(result, out var payload, out var ttl, ref flags))
        {
            var stored = Runtime.Store.Set(key, payload, ttl);
            if (!stored.Succeeded)
            {
                flags = StoreFailed(stored, key, started, flags);
            }
        }

        Completed(key, outcome, started, flags);
    }
}
