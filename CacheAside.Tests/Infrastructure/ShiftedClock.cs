namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// The system clock with its wall-clock time moved by <see cref="Offset"/>: what entries' freshness is read
/// by moves, while timestamps, timers and Redis's own expiry keep real time — so a test can stand at any
/// point of an entry's life without waiting for it.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;
    private long _heldAtMs = long.MinValue;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    /// <summary>
    /// Gets or sets a wall-clock time, in Unix milliseconds, at which the clock stands still until set back to
    /// <see langword="null"/>: a test can stand just before an entry's expiry without the real time that passes
    /// meanwhile taking it past.
    /// </summary>
    public long? HeldAtMs
    {
        get => Interlocked.Read(ref _heldAtMs) is var held && held == long.MinValue ? null : held;
        set => Interlocked.Exchange(ref _heldAtMs, value ?? long.MinValue);
    }

    public override DateTimeOffset GetUtcNow() => HeldAtMs is { } held ? DateTimeOffset.FromUnixTimeMilliseconds(held) : base.GetUtcNow() + Offset;
}
