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
internal readonly record struct EntryStamp(ulong Token, long LoadedAtMs, long LoadMs, long FreshUntilMs);
