using CacheAside.Demo.Catalog;

namespace CacheAside.Demo.Scenarios;

/// <summary>One call a scenario made, as the caller saw it.</summary>
/// <param name="Index">The call's position in its scenario, from 1.</param>
/// <param name="Kind">Read or write.</param>
/// <param name="Key">The Redis key the call read or should have deleted, prefix included.</param>
/// <param name="Outcome">What the cache did.</param>
/// <param name="ElapsedMs">How long the call took, measured around it by the caller.</param>
/// <param name="Stale">For a read, whether the value returned differs from the database's row at that moment.</param>
/// <param name="StartedAtMs">When the call started, in milliseconds since the scenario started.</param>
/// <param name="Value">The product the call returned.</param>
/// <param name="BypassedInterface">Whether the call was a direct database write that did not go through the repository interface.</param>
public sealed record CallRecord(
    int Index,
    CallKind Kind,
    string Key,
    CallOutcome Outcome,
    double ElapsedMs,
    bool Stale,
    double StartedAtMs,
    Product? Value,
    bool BypassedInterface = false);
