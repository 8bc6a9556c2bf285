namespace CacheAside.Interception.Internal.Entries;

/// <summary>
/// How long the process reading an entry counts it as fresh: while its header says so, and no longer than the
/// reader's own settings allow, whatever the process that wrote it was configured with. Processes that share a
/// Redis may disagree — one has fail-safe and stores entries that outlive their freshness, or a deploy changes a
/// time to live — so Redis still holding an entry never makes it fresh: a value is served only within the bound
/// its reader promises.
/// </summary>
/// <param name="LongestValueMs">The longest a loaded value is fresh here: the method's time to live with the most jitter.</param>
/// <param name="LongestNullMs">
/// The longest a <see langword="null"/> is fresh here: the method's time to live for one; <see cref="NeverFresh"/> when
/// the method does not cache nulls, whatever a process that does stored.
/// </param>
/// <param name="KeptWindowMs">
/// The reader's fail-safe window, 0 without: how long after its own expiry a value fail-safe kept (after its
/// source failed) may still be served here. A reader without fail-safe never serves one.
/// </param>
internal readonly record struct FreshnessRule(long LongestValueMs, long LongestNullMs, long KeptWindowMs)
{
    /// <summary>
    /// The <see cref="LongestNullMs"/> of a reader that does not cache <see langword="null"/>: a stored one is never fresh
    /// here, nor a fallback, its own expiry being long past. The reader's callers are promised the implementation's answer.
    /// </summary>
    public const long NeverFresh = long.MinValue / 4;

    /// <summary>The rule of a reader that takes an entry's header at its word: what a codec without a method's settings judges by.</summary>
    public static FreshnessRule ByHeader { get; } = new(long.MaxValue / 4, long.MaxValue / 4, long.MaxValue / 4);

    /// <summary>
    /// <paramref name="stamp"/> as this reader sees it: its value's own expiry no later than this reader's time to
    /// live after the load, and a kept fallback fresh no longer than this reader's window after that expiry.
    /// </summary>
    public EntryStamp View(in EntryStamp stamp, bool isNull)
    {
        var ownExpiry = Math.Min(stamp.OwnExpiryMs, stamp.LoadedAtMs + (isNull ? LongestNullMs : LongestValueMs));
        return stamp.ExpiredAtMs == 0
            ? stamp with { FreshUntilMs = ownExpiry }
            : stamp with { FreshUntilMs = Math.Min(stamp.FreshUntilMs, ownExpiry + KeptWindowMs), ExpiredAtMs = ownExpiry };
    }
}
