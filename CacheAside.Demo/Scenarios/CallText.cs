namespace CacheAside.Demo.Scenarios;

/// <summary>The words the demo prints, and writes in JSON, for kinds and outcomes of calls.</summary>
public static class CallText
{
    /// <summary><c>read</c> or <c>write</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The word.</returns>
    public static string Text(this CallKind kind) => kind switch
    {
        CallKind.Read => "read",
        CallKind.Write => "write",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary><c>hit</c>, <c>miss</c>, <c>bypass</c>, <c>invalidated</c> or <c>not-invalidated</c>.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The word.</returns>
    public static string Text(this CallOutcome outcome) => outcome switch
    {
        CallOutcome.Hit => "hit",
        CallOutcome.Miss => "miss",
        CallOutcome.Bypass => "bypass",
        CallOutcome.Invalidated => "invalidated",
        CallOutcome.NotInvalidated => "not-invalidated",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}
