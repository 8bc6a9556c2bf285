namespace CacheAside.Demo.Scenarios;

/// <summary>The scenarios by name, in the order <c>all</c> runs them.</summary>
public static class ScenarioCatalog
{
    /// <summary>The name that runs every scenario.</summary>
    public const string All = "all";

    /// <summary>Gets every scenario name, in order, then <c>all</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Create(ZipfWorkload.Default).Select(s => s.Name), All];

    /// <summary>The scenarios <paramref name="name"/> selects, for <paramref name="workload"/>.</summary>
    /// <param name="name">A scenario's name, or <c>all</c>.</param>
    /// <param name="workload">The Zipf workload of <c>zipf</c> and <c>ttl-too-short</c>.</param>
    /// <returns>The scenarios to run, in order.</returns>
    /// <exception cref="ArgumentException">No scenario has this name.</exception>
    public static IReadOnlyList<IScenario> Select(string name, ZipfWorkload workload)
    {
        var all = Create(workload);
        if (name == All)
        {
            return all;
        }

        return all.Where(s => s.Name == name).ToList() is { Count: > 0 } selected
            ? selected
            : throw new ArgumentException($"There is no scenario named '{name}'; choose one of {string.Join(", ", Names)}.", nameof(name));
    }

    private static IScenario[] Create(ZipfWorkload workload) =>
    [
        new TenCallsScenario(),
        new TtlScenario(),
        new InvalidationScenario(),
        new TtlTooShortScenario(workload),
        new TtlTooLongScenario(),
        new ZipfScenario(workload),
    ];
}
