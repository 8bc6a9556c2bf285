using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's zipf scenario: when nothing expires, the hit rate is exactly the cold-start ceiling.</summary>
public sealed class ZipfScenarioTests
{
    private static readonly ZipfWorkload[] s_workloads =
    [
        ZipfWorkload.Default,
        new(Keys: 20, Skew: 1.3, Calls: 60, Seed: 7),
        new(Keys: 500, Skew: 0.8, Calls: 80, Seed: 2024),
    ];

    [TestCaseSource(nameof(s_workloads))]
    public async Task Run_NothingExpires_HitRateEqualsTheColdStartCeiling(ZipfWorkload workload)
    {
        var scenario = new ZipfScenario(workload);

        var result = await scenario.RunAsync(DemoSetup.Environment(sourceLatencyMs: 5));

        var sequence = workload.Sample();
        Assert.That(result.Summary.HitRate, Is.EqualTo(result.Fact("theoreticalHitRate")));
        Assert.That(result.Summary.Hits, Is.EqualTo(sequence.Count - sequence.Distinct().Count()));
        Assert.That(result.Calls.Select(c => c.Key[(c.Key.LastIndexOf(':') + 1)..^1]), Is.EqualTo(sequence.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))), "the reads follow the drawn sequence");
        Assert.That(result.Fact("keys"), Is.EqualTo(workload.Keys));
        Assert.That(result.Fact("skew"), Is.EqualTo(workload.Skew));
        Assert.That(result.Fact("seed"), Is.EqualTo(workload.Seed));
    }

    [Test]
    public async Task Run_EachKey_MissesOnItsFirstReadAndHitsOnEveryLaterOne()
    {
        var environment = DemoSetup.Environment(sourceLatencyMs: 20);
        await environment.WarmUpAsync();

        var result = await new ZipfScenario().RunAsync(environment);

        var seen = new HashSet<string>();
        var expected = result.Calls.Select(c => seen.Add(c.Key) ? CallOutcome.Miss : CallOutcome.Hit).ToList();
        Assert.That(result.Calls.Select(c => c.Outcome), Is.EqualTo(expected));
        // An order of magnitude, read from the typical hit: on a busy machine a few hits wait tens of milliseconds for a
        // core, which moves the average by more than the whole of a typical hit.
        var hits = result.Calls.Where(c => c.Outcome == CallOutcome.Hit).Select(c => c.ElapsedMs).Order().ToList();
        Assert.That(hits[hits.Count / 2], Is.LessThan(result.Summary.AvgMissMs!.Value / 10), "a hit is far faster than the 20 ms source");
        Assert.That(result.Summary.AvgHitMs, Is.LessThan(result.Summary.AvgMissMs), "on average too");
        Assert.That(result.Summary.AvgMissMs, Is.GreaterThanOrEqualTo(19));
        Assert.That(result.Summary.P95Ms, Is.GreaterThanOrEqualTo(19), "more than 5% of the reads are misses, so p95 is a miss");
    }
}
