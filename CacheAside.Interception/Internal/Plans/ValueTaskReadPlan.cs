using System.Text.Json;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>A cached read returning <see cref="ValueTask{TResult}"/>: Redis is awaited, never waited on.</summary>
internal sealed class ValueTaskReadPlan<T> : ReadPlan<T>
{
    private readonly Func<object, object?[], Task<T>> _invoke;

    public ValueTaskReadPlan(MethodSpec spec, CacheAsideRuntime runtime, JsonSerializerOptions json)
        : base(spec, runtime, json)
    {
        var invoke = TargetInvoker.Compile<ValueTask<T>>(spec.Method);
        _invoke = (target, arguments) => invoke(target, arguments).AsTask();
    }

    public override void Intercept(IInvocation invocation)
    {
        var started = Runtime.Telemetry.Start();
        var key = RenderKey(invocation);
        if (key is null)
        {
            invocation.Proceed();
            return;
        }

        invocation.ReturnValue = new ValueTask<T>(ReadAsync(key, started, _invoke, invocation.InvocationTarget!, invocation.Arguments));
    }
}
