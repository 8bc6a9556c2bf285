namespace CacheAside.Demo.Scenarios;

/// <summary>What one scenario did and what it shows.</summary>
public sealed class ScenarioResult
{
    /// <summary>Creates a result and computes its summary.</summary>
    /// <param name="scenario">The scenario that ran.</param>
    /// <param name="calls">Its calls, in order.</param>
    /// <param name="facts">Its particular figures.</param>
    /// <param name="conclusions">What the run shows, in sentences.</param>
    public ScenarioResult(IScenario scenario, IReadOnlyList<CallRecord> calls, IReadOnlyList<ScenarioFact> facts, IReadOnlyList<string> conclusions)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        Name = scenario.Name;
        Title = scenario.Title;
        Shows = scenario.Shows;
        Calls = calls;
        Facts = facts;
        Conclusions = conclusions;
        Summary = ScenarioSummary.Of(calls);
    }

    /// <summary>Gets the scenario's name on the command line, such as <c>ttl-too-long</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the scenario's title.</summary>
    public string Title { get; }

    /// <summary>Gets what the scenario is meant to show.</summary>
    public string Shows { get; }

    /// <summary>Gets the calls, in order.</summary>
    public IReadOnlyList<CallRecord> Calls { get; }

    /// <summary>Gets the figures of the calls.</summary>
    public ScenarioSummary Summary { get; }

    /// <summary>Gets the scenario's particular figures, in the order they are reported.</summary>
    public IReadOnlyList<ScenarioFact> Facts { get; }

    /// <summary>Gets what the run shows, in sentences.</summary>
    public IReadOnlyList<string> Conclusions { get; }

    /// <summary>Gets the value of the fact named <paramref name="name"/>.</summary>
    /// <param name="name">The fact's JSON name, such as <c>ttlMs</c>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The scenario reports no such fact.</exception>
    public double Fact(string name) =>
        Facts.FirstOrDefault(f => f.Name == name)?.Value ?? throw new KeyNotFoundException($"The scenario {Name} reports no fact named {name}.");
}
