using System.Text.Json;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// A cached read returning <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/>: Redis is
/// awaited, never waited on. Both shapes run the same <see cref="ReadPlan{T}.ReadAsync"/>; a
/// <see cref="ValueTask{TResult}"/> method gets it wrapped.
/// </summary>
internal sealed class AsyncReadPlan<T> : ReadPlan<T>
{
    private readonly Func<object, object?[], Task<T>> _invoke;
    private readonly bool _valueTask;

    public AsyncReadPlan(MethodSpec spec, CacheAsideRuntime runtime, JsonSerializerOptions json)
        : base(spec, runtime, json)
    {
        _valueTask = spec.Shape == ReturnShape.ValueTaskOfT;
        if (_valueTask)
        {
            var invoke = TargetInvoker.Compile<ValueTask<T>>(spec.Method);
            _invoke = (target, arguments) => invoke(target, arguments).AsTask();
        }
        else
        {
            _invoke = TargetInvoker.Compile<Task<T>>(spec.Method);
        }
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

        var read = ReadAsync(key, started, _invoke, invocation.InvocationTarget!, invocation.Arguments);
        invocation.ReturnValue = _valueTask ? new ValueTask<T>(read) : read;
    }
}
