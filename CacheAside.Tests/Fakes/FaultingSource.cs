using System.Runtime.CompilerServices;

namespace CacheAside.Tests.Fakes;

/// <summary>
/// The implementation behind <see cref="IFaultingRepository"/>. Its tasks fault with every exception in
/// <see cref="Faults"/> at once (as a <see cref="Task.WhenAll(Task[])"/> of failing tasks does), or are
/// cancelled with <see cref="CanceledBy"/>; they complete when <see cref="Gate"/> opens, when one is set.
/// </summary>
public sealed class FaultingSource : IFaultingRepository
{
    private int _calls;

    /// <summary>Gets or sets the exceptions every task faults with; none, the tasks succeed.</summary>
    public Exception[]? Faults { get; set; }

    /// <summary>Gets or sets the token every task is cancelled with, when there are no <see cref="Faults"/>.</summary>
    public CancellationToken? CanceledBy { get; set; }

    /// <summary>Gets or sets what the synchronous read throws.</summary>
    public Exception? SyncFailure { get; set; }

    /// <summary>Gets or sets a gate the tasks complete at; completed at once when none.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public string Get(int id)
    {
        Interlocked.Increment(ref _calls);
        if (SyncFailure is { } failure)
        {
            throw failure;
        }

        return $"row {id}";
    }

    public Task<string> GetAsync(int id, CancellationToken cancellationToken = default) => Answer($"row {id}");

    public ValueTask<string> GetValueTaskAsync(int id) => new(Answer($"row {id}"));

    public Task<string> GetUnkeyedAsync(UnrenderableKey key) => Answer("unkeyed");

    public Task SaveAsync(int id) => Answer(id);

    public Task<int> SaveCountedAsync(int id) => Answer(id);

    public ValueTask SaveValueTaskAsync(int id) => new(Answer(id));

    public ValueTask<int> SaveCountedValueTaskAsync(int id) => new(Answer(id));

    private Task<T> Answer<T>(T value)
    {
        Interlocked.Increment(ref _calls);
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Gate is { } gate)
        {
            gate.Task.ContinueWith(_ => Settle(answer, value), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
        else
        {
            Settle(answer, value);
        }

        return answer.Task;
    }

    private void Settle<T>(TaskCompletionSource<T> answer, T value)
    {
        if (Faults is { } faults)
        {
            answer.SetException(faults);
        }
        else if (CanceledBy is { } token)
        {
            answer.SetCanceled(token);
        }
        else
        {
            answer.SetResult(value);
        }
    }
}
