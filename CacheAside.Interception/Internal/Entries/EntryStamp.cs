namespace CacheAside.Interception.Internal.Entries;

/// <summary>
/// What an entry records about itself besides the value: which load stored it (the lease token of that
/// load, unique per load), when the value was loaded, how long the load took, and until when it is fresh.
/// Times are Unix milliseconds of the clock of the process that loaded it.
/// </summary>
/// <param name="Token">The lease token of the load that stored the entry.</param>
/// <param name="LoadedAtMs">When the load finished.</param>
/// <param name="LoadMs">How long the load took (the Δ of probabilistic early refresh).</param>
/// <param name="FreshUntilMs">When the value stops being fresh (its logical expiry).</param>
/// <param name="ExpiredAtMs">
/// 0 for a value as it was loaded; for a value fail-safe kept after its source failed, when its own
/// freshness ended — the start of its fail-safe window, which keeping it never moves.
/// </param>
internal readonly record struct EntryStamp(ulong Token, long LoadedAtMs, long LoadMs, long FreshUntilMs, long ExpiredAtMs = 0)
{
    /// <summary>Gets when the value's own freshness ended or ends, whether or not fail-safe kept it since.</summary>
    public long OwnExpiryMs => ExpiredAtMs != 0 ? ExpiredAtMs : FreshUntilMs;
}
