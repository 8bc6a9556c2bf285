using System.Runtime.CompilerServices;

namespace CacheAside.Interception.Internal.Engine;

/// <summary>What <see cref="CallerTaskMethodBuilder{TResult}"/> needs of <see cref="Task"/> that is not public.</summary>
internal static class TaskInternals
{
    /// <summary>
    /// <c>Task.TrySetException(object)</c>: completes a task not yet completed as faulted with an exception, or with
    /// every exception of an <see cref="IEnumerable{T}"/> of them; throws <see cref="MissingMethodException"/> on a
    /// runtime without it.
    /// </summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "TrySetException")]
    public static extern bool TrySetException(Task task, object exceptions);
}
