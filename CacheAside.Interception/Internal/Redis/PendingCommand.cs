using System.Threading.Tasks.Sources;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// An asynchronous wait for one Redis command, at most its budget, reusable: completed by the command's
/// answer or by the <see cref="BudgetClock"/>'s tick after the deadline, whichever comes first, and awaited
/// as a <see cref="ValueTask{TResult}"/> without allocating.
/// </summary>
/// <remarks>
/// The state packs the use (a stamp, bumped each time the wait is armed) with its phase, so a tick that read
/// an earlier use and a late answer can only ever act on the use they belong to. The deadline is written
/// before the state is published, so whoever sees a use armed sees its deadline. A wait goes back to the
/// pool only after its command answered in time and its result was read; a wait that timed out leaves the
/// clock's table and is left to the garbage collector, since the late answer will still arrive at it.
/// </remarks>
internal sealed class PendingCommand : IValueTaskSource<RedisReply>
{
    private const int Armed = 1;
    private const int Answered = 2;
    private const int TimedOut = 3;
    private const int PhaseMask = 3;

    private readonly BudgetClock _clock;
    private readonly Action _onAnswered;
    private ManualResetValueTaskSourceCore<RedisReply> _core;
    private int _state;
    private int _stamp;
    private long _deadline;
    private Task? _task;
    private RedisStore? _store;
    private bool _probe;
    private long _started;
    private TimeSpan _budget;
    private GetBatch? _batch;

    public PendingCommand(BudgetClock clock)
    {
        _clock = clock;
        _onAnswered = OnAnswered;
        Slot = -1;
    }

    /// <summary>Gets or sets where the clock's table holds this wait; -1 when it does not. Written under the clock's lock.</summary>
    public int Slot { get; set; }

    /// <summary>
    /// Waits for <paramref name="task"/>, sent at <paramref name="started"/> (into <paramref name="batch"/>, when it was
    /// batched), at most <paramref name="budget"/>.
    /// </summary>
    public ValueTask<RedisReply> Start(RedisStore store, Task task, bool probe, long started, TimeSpan budget, GetBatch? batch = null)
    {
        _store = store;
        _batch = batch;
        _task = task;
        _probe = probe;
        _started = started;
        _budget = budget;
        _deadline = started + (long)(budget.TotalSeconds * _clock.Time.TimestampFrequency);
        _core.RunContinuationsAsynchronously = false;
        var stamp = ++_stamp;

        // A full fence: the clock either sees this use armed, or this use sees that the clock stopped.
        Interlocked.Exchange(ref _state, (stamp << 2) | Armed);
        _clock.Armed();
        var token = _core.Version;
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onAnswered);
        return new ValueTask<RedisReply>(this, token);
    }

    /// <summary>Gets the clock this wait belongs to.</summary>
    public BudgetClock Clock => _clock;

    /// <summary>Whether a use is armed, which (<paramref name="stamp"/>), and its deadline (a <see cref="TimeProvider"/> timestamp).</summary>
    public bool IsArmed(out int stamp, out long deadline)
    {
        var state = Volatile.Read(ref _state);
        stamp = state >> 2;
        deadline = Volatile.Read(ref _deadline);
        return (state & PhaseMask) == Armed;
    }

    /// <summary>The clock's tick: the deadline of use <paramref name="stamp"/> passed; <see langword="false"/> when that use is over.</summary>
    public bool TryTimeOut(int stamp)
    {
        if (Interlocked.CompareExchange(ref _state, (stamp << 2) | TimedOut, (stamp << 2) | Armed) != ((stamp << 2) | Armed))
        {
            return false;
        }

        _clock.Disarmed();
        _clock.Forget(this);

        // Never run the caller's continuation on the clock's thread. Redis may have answered in time with the thread
        // pool too busy to tell this wait: that is an answer. A GET whose batch is still waiting for the pool never
        // reached Redis: a timeout, but not a Redis failure (except for the breaker's probe, whose outcome must be told).
        _core.RunContinuationsAsynchronously = true;
        _core.SetResult(
            _task!.IsCompleted ? _store!.Finish(_task, _probe, _started)
            : !_probe && _batch is { IsSent: false } ? RedisStore.Unsent(_task, _budget)
            : _store!.TimedOut(_task, _budget, _probe, _started));
        return true;
    }

    public RedisReply GetResult(short token)
    {
        var reply = _core.GetResult(token);
        if ((Volatile.Read(ref _state) & PhaseMask) == Answered)
        {
            _task = null;
            _store = null;
            _batch = null;
            _core.Reset();
            _clock.Return(this);
        }

        return reply;
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void OnAnswered()
    {
        // Until this use is answered or has timed out, the wait is not reused, so the stamp is this use's.
        var stamp = Volatile.Read(ref _stamp);
        if (Interlocked.CompareExchange(ref _state, (stamp << 2) | Answered, (stamp << 2) | Armed) == ((stamp << 2) | Armed))
        {
            _clock.Disarmed();
            _core.SetResult(_store!.Finish(_task!, _probe, _started));
        }
    }
}
