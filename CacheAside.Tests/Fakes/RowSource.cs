using System.Collections.Concurrent;

namespace CacheAside.Tests.Fakes;

/// <summary>
/// The implementation behind <see cref="IRowRepository"/>: an in-memory table. A load reads its row first,
/// then waits for its latency and at the <see cref="Gate"/> when one is closed — the window in which a
/// write can commit and invalidate while the load holds the old value.
/// </summary>
public sealed class RowSource : IRowRepository
{
    private readonly ConcurrentDictionary<int, string> _rows = new();
    private int _loads;
    private int _failuresLeft;

    public RowSource(TimeSpan? latency = null)
    {
        Latency = latency ?? TimeSpan.Zero;
    }

    public TimeSpan Latency { get; set; }

    /// <summary>Gets the gate loads wait at after reading their row; open unless a test closes it.</summary>
    public LoadGate Gate { get; } = new();

    /// <summary>Gets how many loads reached this implementation.</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <summary>Makes the next <paramref name="count"/> loads throw <see cref="InvalidOperationException"/> after reading and waiting.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    /// <summary>Changes a row as the database would, without the cache knowing.</summary>
    public void Commit(int id, string value) => _rows[id] = value;

    public string? Row(int id) => _rows.TryGetValue(id, out var value) ? value : null;

    public string? Get(int id)
    {
        var value = Read(id);
        Thread.Sleep(Latency);
        Gate.PassSync();
        ThrowIfFailing();
        return value;
    }

    public async Task<string?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        var value = Read(id);
        await Task.Delay(Latency, cancellationToken);
        await Gate.PassAsync(cancellationToken);
        ThrowIfFailing();
        return value;
    }

    public async ValueTask<string?> GetValueTaskAsync(int id) => await GetAsync(id);

    public void Set(int id, string value) => Commit(id, value);

    public Task SetAsync(int id, string value)
    {
        Commit(id, value);
        return Task.CompletedTask;
    }

    private string? Read(int id)
    {
        Interlocked.Increment(ref _loads);
        return Row(id);
    }

    private void ThrowIfFailing()
    {
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new InvalidOperationException("The database is unavailable.");
        }
    }
}

/// <summary>Holds loads at one point until the test opens it, and tells the test which loads arrived.</summary>
public sealed class LoadGate
{
    private int _arrived;
    private int _claimed;
    private volatile TaskCompletionSource _open = Opened();

    /// <summary>Makes loads that arrive from now on wait.</summary>
    public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets every waiting load, and all later ones, through.</summary>
    public void Open() => _open.TrySetResult();

    /// <summary>Waits until a load has arrived at the gate (read its row and is waiting).</summary>
    public bool WaitForArrival(TimeSpan? within = null)
    {
        var claimed = Interlocked.Increment(ref _claimed);
        if (Infrastructure.Eventually.True(() => Volatile.Read(ref _arrived) >= claimed, within ?? TimeSpan.FromSeconds(10)))
        {
            return true;
        }

        Interlocked.Decrement(ref _claimed);
        return false;
    }

    public void PassSync()
    {
        var open = _open;
        if (!open.Task.IsCompleted)
        {
            Interlocked.Increment(ref _arrived);
            open.Task.Wait();
        }
    }

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var open = _open;
        if (!open.Task.IsCompleted)
        {
            Interlocked.Increment(ref _arrived);
            await open.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }
}
