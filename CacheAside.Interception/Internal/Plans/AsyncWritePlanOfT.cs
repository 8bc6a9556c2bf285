using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// An invalidating write returning <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/>: the
/// delete waits for the write to complete, and the caller gets the result after the delete.
/// </summary>
internal sealed class AsyncWritePlan<T> : WritePlan
{
    private readonly bool _valueTask;

    public AsyncWritePlan(MethodSpec spec, CacheAsideRuntime runtime)
        : base(spec, runtime)
    {
        _valueTask = spec.Shape == ReturnShape.ValueTaskOfT;
    }

    public override void Intercept(IInvocation invocation)
    {
        Preparer?.Prepare(invocation.Arguments);
        var started = Runtime.Telemetry.Start();
        Proceed(invocation, started);
        var write = invocation.ReturnValue switch
        {
            Task<T> task => task,
            ValueTask<T> valueTask => valueTask.AsTask(),
            _ => null,
        };
        if (write is null)
        {
            return;
        }

        var completed = CompleteAsync(write, invocation.Arguments, started);
        invocation.ReturnValue = _valueTask ? new ValueTask<T>(completed) : completed;
    }

    private async Task<T> CompleteAsync(Task<T> write, object?[] arguments, long started)
    {
        T result;
        try
        {
            result = await write.ConfigureAwait(false);
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
