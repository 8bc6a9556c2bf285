using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// The builder of the tasks the engine hands to callers (<c>[AsyncMethodBuilder]</c> on those methods): exactly
/// <see cref="AsyncTaskMethodBuilder{TResult}"/>, which it wraps and forwards to, so a call costs nothing more,
/// except that a <see cref="SourceFaults"/> thrown out of the method faults the task with every exception it
/// carries. The standard builder can fault a task with one exception only, so a caller would see one of an
/// implementation's several; with this one the caller's task holds what the implementation's held.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
[SuppressMessage("Performance", "CA1815:Override equals and operator equals on value types", Justification = "A method builder, used only by the compiler.")]
[SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The compiler's builder pattern requires a static Create.")]
internal struct CallerTaskMethodBuilder<TResult>
{
    private static bool s_canFaultWithSeveral = true;

    private AsyncTaskMethodBuilder<TResult> _builder;

    public Task<TResult> Task => _builder.Task;

    public static CallerTaskMethodBuilder<TResult> Create() => default;

    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine => _builder.Start(ref stateMachine);

    public void SetStateMachine(IAsyncStateMachine stateMachine) => _builder.SetStateMachine(stateMachine);

    public void SetResult(TResult result) => _builder.SetResult(result);

    public void SetException(Exception exception)
    {
        if (exception is not SourceFaults faults)
        {
            _builder.SetException(exception);
            return;
        }

        if (!TryFaultWithEvery(_builder.Task, faults.Exceptions))
        {
            _builder.SetException(faults.Exceptions[0]);
        }
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine => _builder.AwaitOnCompleted(ref awaiter, ref stateMachine);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine => _builder.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>
    /// Faults <paramref name="task"/> with every one of <paramref name="exceptions"/>, through the method the runtime's
    /// own builders and <see cref="Task.WhenAll(Task[])"/> use, which no public API exposes for a builder's task. Should
    /// a runtime not have it, <see langword="false"/>, and the caller's task faults with the first, as an await would throw.
    /// </summary>
    private static bool TryFaultWithEvery(Task<TResult> task, IReadOnlyList<Exception> exceptions)
    {
        if (Volatile.Read(ref s_canFaultWithSeveral))
        {
            try
            {
                return TaskInternals.TrySetException(task, exceptions);
            }
            catch (MissingMethodException)
            {
                Volatile.Write(ref s_canFaultWithSeveral, false);
            }
        }

        return false;
    }
}
