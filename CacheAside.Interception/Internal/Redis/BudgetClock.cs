namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Bounds asynchronous commands by the budget without a timer per command: one clock per store ticks every
/// tenth of the budget (1–10 ms) while commands are outstanding, and times out those whose deadline passed.
/// The waits themselves (<see cref="PendingCommand"/>) are pooled, so a command answered in time — nearly
/// every one — costs no allocation beyond StackExchange.Redis's own.
/// </summary>
/// <remarks>
/// Deadlines are registration time plus one budget, so the outstanding commands are in deadline order: a tick
/// looks only at the head of the queue. An entry whose command was answered stays until it reaches the head,
/// and is recognised as done by its stamp; a wait is returned to the pool only after its command answered in
/// time, so a late answer can never complete a wait that has been reused. Timed-out waits are dropped.
/// </remarks>
internal sealed class BudgetClock : IDisposable
{
    private const int KeepAtMost = 4096;

    [ThreadStatic]
    private static PendingCommand? s_threadCached;

    private readonly TimeProvider _time;
    private readonly TimeSpan _tick;
    private readonly Queue<Entry> _outstanding = new();
    private readonly Stack<PendingCommand> _free = new();
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private bool _ticking;
    private long _idleSince;
    private bool _disposed;

    public BudgetClock(TimeProvider time, TimeSpan budget)
    {
        _time = time;
        var tick = budget / 10;
        _tick = tick < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : tick > TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : tick;
    }

    public TimeProvider Time => _time;

    /// <summary>Gets how late, at most, a timeout is seen after its deadline: one tick.</summary>
    public TimeSpan Tick => _tick;

    public PendingCommand Rent()
    {
        // The thread that read a wait's result is usually the one that sends the next command: a wait kept
        // per thread spares the shared pool's lock.
        if (s_threadCached is { } cached && ReferenceEquals(cached.Clock, this))
        {
            s_threadCached = null;
            return cached;
        }

        lock (_lock)
        {
            if (_free.TryPop(out var pending))
            {
                return pending;
            }
        }

        return new PendingCommand(this);
    }

    /// <summary>Takes back a wait whose command answered in time and whose result was read.</summary>
    public void Return(PendingCommand pending)
    {
        if (s_threadCached is null)
        {
            s_threadCached = pending;
            return;
        }

        lock (_lock)
        {
            if (_free.Count < KeepAtMost)
            {
                _free.Push(pending);
            }
        }
    }

    /// <summary>Watches <paramref name="pending"/> (armed with <paramref name="stamp"/>) until <paramref name="deadline"/>.</summary>
    public void Track(PendingCommand pending, int stamp, long deadline)
    {
        lock (_lock)
        {
            _outstanding.Enqueue(new Entry(pending, stamp, deadline));
            if (!_ticking && !_disposed)
            {
                _ticking = true;
                _timer ??= _time.CreateTimer(static state => ((BudgetClock)state!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _timer.Change(_tick, _tick);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnTick()
    {
        var now = _time.GetTimestamp();
        List<Entry>? expired = null;
        lock (_lock)
        {
            if (_outstanding.Count == 0)
            {
                // Nothing outstanding: stop ticking after a second without work, rather than at once,
                // so a steady trickle of commands does not start and stop the timer each time.
                if (_idleSince == 0)
                {
                    _idleSince = now;
                }
                else if (now - _idleSince > _time.TimestampFrequency)
                {
                    _ticking = false;
                    _idleSince = 0;
                    _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }

                return;
            }

            _idleSince = 0;
            while (_outstanding.TryPeek(out var head))
            {
                var armed = head.Pending.IsArmed(head.Stamp);
                if (armed && head.Deadline > now)
                {
                    break;
                }

                _outstanding.Dequeue();
                if (armed)
                {
                    (expired ??= []).Add(head);
                }
            }
        }

        if (expired is not null)
        {
            foreach (var entry in expired)
            {
                entry.Pending.TryTimeOut(entry.Stamp);
            }
        }
    }

    private readonly record struct Entry(PendingCommand Pending, int Stamp, long Deadline);
}
