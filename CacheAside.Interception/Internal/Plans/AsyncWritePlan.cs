using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// An invalidating write returning <see cref="Task"/> or <see cref="ValueTask"/>: the delete waits for the
/// write to complete, and the caller's task completes after the delete.
/// </summary>
internal sealed class AsyncWritePlan : WritePlan
{
    private readonly bool _valueTask;

    public AsyncWritePlan(MethodSpec spec, CacheAsideRuntime runtime)
        : base(spec, runtime)
    {
        _valueTask = spec.Shape == ReturnShape.ValueTask;
    }

    public override void Intercept(IInvocation invocation)
    {
        Preparer?.Prepare(invocation.Arguments);
        var started = Runtime.Telemetry.Start();
        Proceed(invocation, started);
        var write = invocation.ReturnValue switch
        {
            Task task => task,
            ValueTask valueTask => valueTask.AsTask(),
            _ => null,
        };
        if (write is null)
        {
            return;
        }

        var completed = CompleteAsync(write, invocation.Arguments, started);
        invocation.ReturnValue = _valueTask ? new ValueTask(completed) : completed;
    }

    private async Task CompleteAsync(Task write, object?[] arguments, long started)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            TargetFailed(arguments, started);
            throw;
        }

        await InvalidateAsync(arguments, started).ConfigureAwait(false);
    }
}
