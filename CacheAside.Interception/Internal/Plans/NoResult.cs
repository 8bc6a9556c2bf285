namespace CacheAside.Interception.Internal.Plans;

/// <summary>The result of a write that returns none (<see langword="void"/>, <see cref="Task"/>, <see cref="ValueTask"/>), so all writes share one algorithm.</summary>
internal readonly struct NoResult;
