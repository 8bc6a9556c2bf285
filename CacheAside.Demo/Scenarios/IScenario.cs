namespace CacheAside.Demo.Scenarios;

/// <summary>One of the demo's scenarios: a sequence of plain repository calls and what it shows.</summary>
public interface IScenario
{
    /// <summary>Gets the name used on the command line, such as <c>ten-calls</c>.</summary>
    string Name { get; }

    /// <summary>Gets a short title.</summary>
    string Title { get; }

    /// <summary>Gets what the scenario is meant to show, in one sentence.</summary>
    string Shows { get; }

    /// <summary>Runs the scenario from a cold cache and a freshly seeded database.</summary>
    /// <param name="environment">Redis and the simulated network.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>What happened.</returns>
    Task<ScenarioResult> RunAsync(DemoEnvironment environment, CancellationToken cancellationToken = default);
}
