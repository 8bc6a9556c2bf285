using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>An invalidating write returning <see langword="void"/> or a plain value.</summary>
internal sealed class SyncWritePlan : WritePlan
{
    public SyncWritePlan(MethodSpec spec, CacheAsideRuntime runtime)
        : base(spec, runtime)
    {
    }

    public override void Intercept(IInvocation invocation)
    {
        Preparer?.Prepare(invocation.Arguments);
        var started = Runtime.Telemetry.Start();
        Proceed(invocation, started);
        Invalidate(invocation.Arguments, started);
    }
}
