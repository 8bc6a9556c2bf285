using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The figures every scenario reports: counts, hit rate, mean hit and miss latency, nearest-rank p95.</summary>
public sealed class ScenarioSummaryTests
{
    [Test]
    public void Of_MixedCalls_CountsReadsByOutcomeAndAveragesEachKind()
    {
        var calls = new[]
        {
            Read(1, CallOutcome.Miss, 100),
            Read(2, CallOutcome.Hit, 1),
            Read(3, CallOutcome.Hit, 3),
            new CallRecord(4, CallKind.Write, "k", CallOutcome.Invalidated, 50, false, 0, null),
            Read(5, CallOutcome.Bypass, 120, stale: true),
            Read(6, CallOutcome.Miss, 104),
        };

        var summary = ScenarioSummary.Of(calls);

        Assert.That(summary, Is.EqualTo(new ScenarioSummary(
            Reads: 5, Hits: 2, Misses: 2, Bypasses: 1, HitRate: 0.4, AvgHitMs: 2, AvgMissMs: 102, P95Ms: 120, TotalMs: 378, StaleReads: 1)));
    }

    [Test]
    public void Of_NoHitsNoMisses_LatenciesAreMissingAndHitRateIsZero()
    {
        var summary = ScenarioSummary.Of([]);

        Assert.That(summary, Is.EqualTo(new ScenarioSummary(0, 0, 0, 0, 0, null, null, null, 0, 0)));
    }

    [TestCase(20, 19)]
    [TestCase(100, 95)]
    [TestCase(10, 10)]
    [TestCase(1, 1)]
    public void Percentile_NinetyFifth_IsTheNearestRank(int count, double expected)
    {
        var values = Enumerable.Range(1, count).Select(v => (double)v).Reverse();

        var p95 = ScenarioSummary.Percentile(values, 0.95);

        Assert.That(p95, Is.EqualTo(expected));
    }

    private static CallRecord Read(int index, CallOutcome outcome, double ms, bool stale = false) =>
        new(index, CallKind.Read, "k", outcome, ms, stale, 0, null);
}
