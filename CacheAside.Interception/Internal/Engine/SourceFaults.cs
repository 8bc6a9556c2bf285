namespace CacheAside.Interception.Internal.Engine;

/// <summary>
/// Every exception a task of the implementation faulted with, when it was more than one (a <see cref="Task.WhenAll(Task[])"/>
/// of failing calls): awaiting the task would throw the first only, so the engine awaits it through
/// <see cref="Of{T}(Task{T})"/>, which throws them all as this, and the task a caller gets, built by
/// <see cref="CallerTaskMethodBuilder{TResult}"/>, faults with every one again. It never reaches a caller itself.
/// </summary>
internal sealed class SourceFaults : Exception
{
    private SourceFaults(AggregateException faults)
        : base(faults.InnerExceptions[0].Message, faults.InnerExceptions[0])
    {
        Exceptions = faults.InnerExceptions;
    }

    /// <summary>Gets the exceptions, in the order the implementation's task holds them.</summary>
    public IReadOnlyList<Exception> Exceptions { get; }

    /// <summary>
    /// The implementation's task, for the engine to await: it completes as the task does, except that a task that
    /// faulted with several exceptions throws them all, as <see cref="SourceFaults"/>. A task already completed
    /// successfully is awaited as it is.
    /// </summary>
    public static ValueTask<T> Of<T>(Task<T> task) =>
        task.IsCompletedSuccessfully ? new ValueTask<T>(task) : new ValueTask<T>(AwaitAsync(task));

    /// <inheritdoc cref="Of{T}(Task{T})"/>
    public static ValueTask<T> Of<T>(ValueTask<T> task) =>
        task.IsCompletedSuccessfully ? task : new ValueTask<T>(AwaitAsync(task.AsTask()));

    /// <inheritdoc cref="Of{T}(Task{T})"/>
    public static ValueTask<TResult> Of<TResult>(Task task, TResult result) =>
        task.IsCompletedSuccessfully ? new ValueTask<TResult>(result) : new ValueTask<TResult>(AwaitAsync(task, result));

    /// <inheritdoc cref="Of{T}(Task{T})"/>
    public static ValueTask<TResult> Of<TResult>(ValueTask task, TResult result) =>
        task.IsCompletedSuccessfully ? new ValueTask<TResult>(result) : new ValueTask<TResult>(AwaitAsync(task.AsTask(), result));

    private static async Task<T> AwaitAsync<T>(Task<T> task)
    {
        await ((Task)task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ThrowIfSeveral(task);
        return await task.ConfigureAwait(false);
    }

    private static async Task<TResult> AwaitAsync<TResult>(Task task, TResult result)
    {
        await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ThrowIfSeveral(task);
        await task.ConfigureAwait(false);
        return result;
    }

    /// <summary>A task that faulted with one exception, or was cancelled, is rethrown by its own await, exactly as a caller's would.</summary>
    private static void ThrowIfSeveral(Task task)
    {
        if (task.Exception is { InnerExceptions.Count: > 1 } faults)
        {
            throw new SourceFaults(faults);
        }
    }
}
