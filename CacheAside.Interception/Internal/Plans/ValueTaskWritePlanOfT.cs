using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>An invalidating write returning <see cref="ValueTask{TResult}"/>: the delete waits for it to complete.</summary>
internal sealed class ValueTaskWritePlan<T> : WritePlan
{
    public ValueTaskWritePlan(MethodSpec spec, CacheAsideRuntime runtime)
        : base(spec, runtime)
    {
    }

    public override void Intercept(IInvocation invocation)
    {
        var started = Runtime.Telemetry.Start();
        Proceed(invocation, started);
        // Castle returns the value through ReturnValue; the caller consumes it once, as with any ValueTask.
#pragma warning disable CA2012
        invocation.ReturnValue = CompleteAsync((ValueTask<T>)invocation.ReturnValue!, invocation.Arguments, started);
#pragma warning restore CA2012
    }

    private async ValueTask<T> CompleteAsync(ValueTask<T> task, object?[] arguments, long started)
    {
        T result;
        try
        {
            result = await task.ConfigureAwait(false);
        }
        catch
        {
            TargetFailed(arguments, started);
            throw;
        }

        await InvalidateAsync(arguments, started).ConfigureAwait(false);
        return result;
    }
}
