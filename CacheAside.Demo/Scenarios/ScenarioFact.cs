namespace CacheAside.Demo.Scenarios;

/// <summary>A figure particular to one scenario (its TTL, the Zipf parameters, …), reported beside its summary.</summary>
/// <param name="Name">The name used in the JSON document, such as <c>ttlMs</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Label">What a person reads: <c>TTL</c>.</param>
/// <param name="Display">The value as a person reads it: <c>2 s</c>.</param>
public sealed record ScenarioFact(string Name, double Value, string Label, string Display);
