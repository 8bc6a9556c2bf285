namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// The system clock with its wall-clock time moved by <see cref="Offset"/>: what entries' freshness is read
/// by moves, while timestamps, timers and Redis's own expiry keep real time — so a test can stand at any
/// point of an entry's life without waiting for it.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
