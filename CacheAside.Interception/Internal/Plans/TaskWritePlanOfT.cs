using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>An invalidating write returning <see cref="Task{TResult}"/>: the delete waits for the task to complete.</summary>
internal sealed class TaskWritePlan<T> : WritePlan
{
    public TaskWritePlan(MethodSpec spec, CacheAsideRuntime runtime)
        : base(spec, runtime)
    {
    }

    public override void Intercept(IInvocation invocation)
    {
        var started = Runtime.Telemetry.Start();
        Proceed(invocation, started);
        if (invocation.ReturnValue is Task<T> task)
        {
            invocation.ReturnValue = CompleteAsync(task, invocation.Arguments, started);
        }
    }

    private async Task<T> CompleteAsync(Task<T> task, object?[] arguments, long started)
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
