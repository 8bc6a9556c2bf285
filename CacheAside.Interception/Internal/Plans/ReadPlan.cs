using System.Runtime.CompilerServices;
using System.Text.Json;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Entries;
using CacheAside.Interception.Internal.Serialization;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// A cached read of one method: renders the call's key and hands the call to the engine's one read
/// algorithm, in the mode its shape needs — <c>T</c> synchronously, <see cref="Task{TResult}"/> and
/// <see cref="ValueTask{TResult}"/> asynchronously. A miss reaches the implementation through a delegate
/// compiled here, never through <c>Proceed()</c> after an await.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
internal sealed class ReadPlan<T> : MethodPlan
{
    private readonly Func<object, object?[], T>? _sync;
    private readonly Func<object, object?[], Task<T>>? _task;
    private readonly Func<object, object?[], ValueTask<T>>? _valueTask;
    private readonly int _cancellationIndex;
    private readonly Func<T, T>? _materialize = ResultMaterializer.For<T>();

    public ReadPlan(MethodSpec spec, CacheEngine engine, JsonSerializerOptions json)
        : base(spec, engine)
    {
        Codec = new EntryCodec<T>(json, spec.Fingerprint, engine.Options.ReuseImmutableResults, spec.FreshnessRule(engine.Options.TtlJitter));
        switch (spec.Shape)
        {
            case ReturnShape.TaskOfT:
                _task = TargetInvoker.Compile<Task<T>>(spec.Method);
                break;
            case ReturnShape.ValueTaskOfT:
                _valueTask = TargetInvoker.Compile<ValueTask<T>>(spec.Method);
                break;
            default:
                _sync = TargetInvoker.Compile<T>(spec.Method);
                break;
        }

        _cancellationIndex = Array.FindIndex(spec.Method.GetParameters(), p => p.ParameterType == typeof(CancellationToken) || p.ParameterType == typeof(CancellationToken?));
    }

    /// <summary>Gets the codec of the method's entries.</summary>
    public EntryCodec<T> Codec { get; }

    /// <summary>Gets whether the method takes a <see cref="CancellationToken"/>, which a shared load then replaces by its own.</summary>
    public bool HasCancellation => _cancellationIndex >= 0;

    public override void Intercept(IInvocation invocation)
    {
        var started = Engine.Telemetry.Start();
        var arguments = invocation.Arguments;
        Preparer?.Prepare(arguments);
        if (!TryRenderKey(Spec.Keys[0], arguments, out var key))
        {
            Unkeyed(invocation, started);
            return;
        }

        var call = new ReadCall(key, invocation.InvocationTarget!, arguments, started);
        switch (Spec.Shape)
        {
            case ReturnShape.TaskOfT:
                invocation.ReturnValue = Engine.ReadAsync(this, call, sync: false);
                break;
            case ReturnShape.ValueTaskOfT:
                invocation.ReturnValue = new ValueTask<T>(Engine.ReadAsync(this, call, sync: false));
                break;
            default:
                invocation.ReturnValue = Engine.Read(this, call);
                break;
        }
    }

    /// <summary>
    /// A call whose key could not be rendered goes to the implementation without the cache. It is reported once,
    /// when the implementation's answer is in (an asynchronous one when its task completed), so its duration and
    /// the implementation's failure are those of the whole call.
    /// </summary>
    private void Unkeyed(IInvocation invocation, long started)
    {
        try
        {
            invocation.Proceed();
        }
        catch (Exception ex)
        {
            ReportUnkeyed(started, Failure(ex, invocation.Arguments));
            throw;
        }

        switch (invocation.ReturnValue)
        {
            case Task<T> task when !task.IsCompletedSuccessfully:
                invocation.ReturnValue = UnkeyedAsync(task, invocation.Arguments, started);
                break;
            case ValueTask<T> valueTask when !valueTask.IsCompletedSuccessfully:
                invocation.ReturnValue = new ValueTask<T>(UnkeyedAsync(valueTask.AsTask(), invocation.Arguments, started));
                break;
            default:
                ReportUnkeyed(started, CacheEventDetails.None);
                break;
        }
    }

    [AsyncMethodBuilder(typeof(CallerTaskMethodBuilder<>))]
    private async Task<T> UnkeyedAsync(Task<T> completion, object?[] arguments, long started)
    {
        try
        {
            var value = await SourceFaults.Of(completion).ConfigureAwait(false);
            ReportUnkeyed(started, CacheEventDetails.None);
            return value;
        }
        catch (Exception ex)
        {
            ReportUnkeyed(started, Failure(ex, arguments));
            throw;
        }
    }

    /// <summary>What the implementation's exception says of the call: the caller gave up, or the implementation failed.</summary>
    private CacheEventDetails Failure(Exception error, object?[] arguments) =>
        error is OperationCanceledException && CancellationOf(arguments).IsCancellationRequested ? CacheEventDetails.Canceled : CacheEventDetails.TargetFailed;

    private void ReportUnkeyed(long started, CacheEventDetails details) =>
        Engine.Telemetry.Completed(CacheOperation.Read, Spec.Display, string.Empty, CacheOutcome.Bypass, started, CacheEventDetails.KeyFailed | details);

    /// <summary>
    /// Calls the implementation; for a synchronous method, synchronously. Its task is awaited through
    /// <see cref="SourceFaults"/>, so that every exception it faults with reaches the callers.
    /// </summary>
    public ValueTask<T> LoadAsync(object target, object?[] arguments, bool sync) =>
        _sync is not null ? new ValueTask<T>(_sync(target, arguments))
        : _task is not null ? SourceFaults.Of(_task(target, arguments))
        : SourceFaults.Of(_valueTask!(target, arguments));

    /// <summary>The caller's cancellation token, or none when the method takes none.</summary>
    public CancellationToken CancellationOf(object?[] arguments) =>
        _cancellationIndex >= 0 && arguments[_cancellationIndex] is CancellationToken token ? token : CancellationToken.None;

    /// <summary>The arguments a shared load runs with: the caller's, with the load's own token in place of the caller's.</summary>
    public object?[] WithCancellation(object?[] arguments, CancellationToken token)
    {
        if (_cancellationIndex < 0)
        {
            return arguments;
        }

        var copy = (object?[])arguments.Clone();
        copy[_cancellationIndex] = token;
        return copy;
    }

    /// <summary>Makes a loaded value safe to store and to return: a one-shot sequence becomes a list, enumerated once.</summary>
    public T Settle(T value) => _materialize is null ? value : _materialize(value);
}
