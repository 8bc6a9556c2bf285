using System.Text.Json;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>A cached read returning <see cref="Task{TResult}"/>: Redis is awaited, never waited on.</summary>
internal sealed class TaskReadPlan<T> : ReadPlan<T>
{
    private readonly Func<object, object?[], Task<T>> _invoke;

    public TaskReadPlan(MethodSpec spec, CacheAsideRuntime runtime, JsonSerializerOptions json)
        : base(spec, runtime, json)
    {
        _invoke = TargetInvoker.Compile<Task<T>>(spec.Method);
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

        invocation.ReturnValue = ReadAsync(key, started, _invoke, invocation.InvocationTarget!, invocation.Arguments);
    }
}
