namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// Bounds asynchronous commands by the budget without a timer per command and without registering each
/// command anywhere: the waits (<see cref="PendingCommand"/>) are pooled, every wait this clock ever made is
/// in one table, and one tick every tenth of the budget (1–10 ms), while any wait is armed, looks at each
/// and times out those whose deadline passed. A command answered in time costs nothing here beyond arming
/// its pooled wait — no lock, no queue, no allocation.
/// </summary>
/// <remarks>
/// <para>
/// The table holds as many waits as were ever armed at once, so a tick costs a few nanoseconds per command
/// that was in flight at the busiest moment; waits beyond <see cref="KeepAtMost"/> idle ones leave it
/// when returned. A wait that timed out leaves the table at once and is left to the garbage collector,
/// since the late answer will still arrive at it.
/// </para>
/// <para>
/// The timer stops after a second without armed waits. Arming writes the wait's state with a full fence
/// and then reads <see cref="_ticking"/>; stopping clears <see cref="_ticking"/>, fences, and looks at the
/// table once more: one side always sees the other, so no armed wait is ever left without a tick.
/// </para>
/// </remarks>
internal sealed class BudgetClock : IDisposable
{
    /// <summary>How many idle waits the pool keeps; more are dropped when returned.</summary>
    private const int KeepAtMost = 4096;

    [ThreadStatic]
    private static PendingCommand? s_threadCached;

    private readonly TimeProvider _time;
    private readonly TimeSpan _tick;
    private readonly Stack<PendingCommand> _free = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly Lock _lock = new();
    private PendingCommand?[] _table = new PendingCommand?[64];
    private int _used;
    private ITimer? _timer;
    private volatile bool _ticking;
    private int _inFlight;
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

    /// <summary>Gets how many waits the table holds: in flight, idle in the pool, or cached by a thread.</summary>
    internal int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _used - _freeSlots.Count;
            }
        }
    }

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

            pending = new PendingCommand(this);
            AddInsideLock(pending);
            return pending;
        }
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
            else
            {
                RemoveInsideLock(pending);
            }
        }
    }

    /// <summary>Gets how many waits are armed now: the asynchronous commands in flight, which is how busy the connection is.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Called by a wait right after it was armed (its state written with a full fence): counts it, and makes sure the clock ticks.</summary>
    public void Armed()
    {
        Interlocked.Increment(ref _inFlight);
        if (!_ticking)
        {
            StartTicking();
        }
    }

    /// <summary>Called by a wait whose use ended, answered or timed out.</summary>
    public void Disarmed() => Interlocked.Decrement(ref _inFlight);

    /// <summary>A wait that timed out: out of the table, for good.</summary>
    public void Forget(PendingCommand pending)
    {
        lock (_lock)
        {
            RemoveInsideLock(pending);
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

    private void StartTicking()
    {
        lock (_lock)
        {
            if (_ticking || _disposed)
            {
                return;
            }

            _ticking = true;
            _idleSince = 0;
            _timer ??= _time.CreateTimer(static state => ((BudgetClock)state!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(_tick, _tick);
        }
    }

    private void AddInsideLock(PendingCommand pending)
    {
        if (!_freeSlots.TryPop(out var slot))
        {
            if (_used == _table.Length)
            {
                // A tick still reading the old table misses only waits armed since: they are seen next tick.
                var grown = new PendingCommand?[_table.Length * 2];
                Array.Copy(_table, grown, _used);
                Volatile.Write(ref _table, grown);
            }

            slot = _used++;
        }

        pending.Slot = slot;
        Volatile.Write(ref _table[slot], pending);
    }

    private void RemoveInsideLock(PendingCommand pending)
    {
        if (pending.Slot >= 0 && ReferenceEquals(_table[pending.Slot], pending))
        {
            Volatile.Write(ref _table[pending.Slot], null);
            _freeSlots.Push(pending.Slot);
        }

        pending.Slot = -1;
    }

    private void OnTick()
    {
        var now = _time.GetTimestamp();
        if (Sweep(now, timeOut: true) > 0)
        {
            _idleSince = 0;
            return;
        }

        // Nothing armed: stop after a second without work rather than at once, so a steady trickle of
        // commands does not start and stop the timer each time.
        if (_idleSince == 0)
        {
            _idleSince = now;
            return;
        }

        if (now - _idleSince <= _time.TimestampFrequency)
        {
            return;
        }

        lock (_lock)
        {
            _ticking = false;
            Interlocked.MemoryBarrier();

            // A wait armed before it could see the flag cleared is seen here: keep ticking for it.
            if (Sweep(now, timeOut: false) > 0)
            {
                _ticking = true;
                _idleSince = 0;
                return;
            }

            _idleSince = 0;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Counts the armed waits; with <paramref name="timeOut"/>, first times out every one whose deadline is at
    /// or before <paramref name="now"/> (never under the lock: a timeout reports to the breaker).
    /// </summary>
    private int Sweep(long now, bool timeOut)
    {
        var table = Volatile.Read(ref _table);
        var armed = 0;
        for (var i = 0; i < table.Length; i++)
        {
            if (Volatile.Read(ref table[i]) is not { } pending || !pending.IsArmed(out var stamp, out var deadline))
            {
                continue;
            }

            if (!timeOut || deadline > now || !pending.TryTimeOut(stamp))
            {
                armed++;
            }
        }

        return armed;
    }
}
