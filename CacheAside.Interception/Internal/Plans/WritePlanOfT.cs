using CacheAside.Interception.Internal.Engine;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// An invalidating write of one method: calls the implementation (with <c>Proceed()</c>, before anything
/// is awaited, so <c>out</c> and <c>ref</c> parameters work), then hands what it returned to the engine's
/// one write algorithm: a synchronous write is invalidated before it returns, an asynchronous one when its
/// task completed, and the caller's task completes after that.
/// </summary>
/// <typeparam name="T">The result type; <see cref="NoResult"/> for writes that return none.</typeparam>
internal sealed class WritePlan<T> : WritePlan
{
    public WritePlan(MethodSpec spec, CacheEngine engine)
        : base(spec, engine)
    {
    }

    public override void Intercept(IInvocation invocation)
    {
        var started = Engine.Telemetry.Start();
        var arguments = invocation.Arguments;
        Preparer?.Prepare(arguments);
        try
        {
            invocation.Proceed();
        }
        catch
        {
            Engine.WriteFailed(this, arguments, started);
            throw;
        }

        switch (Spec.Shape)
        {
            case ReturnShape.Void or ReturnShape.Value:
                Engine.Written(this, arguments, started);
                break;
            case ReturnShape.Task when invocation.ReturnValue is Task task:
                invocation.ReturnValue = Engine.WrittenAsync(this, arguments, started, SourceFaults.Of(task, default(NoResult)));
                break;
            case ReturnShape.ValueTask when invocation.ReturnValue is ValueTask valueTask:
                invocation.ReturnValue = new ValueTask(Engine.WrittenAsync(this, arguments, started, SourceFaults.Of(valueTask, default(NoResult))));
                break;
            case ReturnShape.TaskOfT when invocation.ReturnValue is Task<T> task:
                invocation.ReturnValue = Engine.WrittenAsync(this, arguments, started, SourceFaults.Of(task));
                break;
            case ReturnShape.ValueTaskOfT when invocation.ReturnValue is ValueTask<T> valueTask:
                invocation.ReturnValue = new ValueTask<T>(Engine.WrittenAsync(this, arguments, started, SourceFaults.Of(valueTask)));
                break;
            default:
                // A null task from the implementation: nothing completes, so nothing is invalidated.
                break;
        }
    }
}
