using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's ttl-too-short scenario: the same Zipf reads with a TTL shorter than the gap between repeats.</summary>
public sealed class TtlTooShortScenarioTests
{
    [Test]
    public async Task Run_TtlShorterThanTheGapBetweenRepeats_HitRateCollapsesFarBelowTheTunedOne()
    {
        var scenario = new TtlTooShortScenario(ZipfWorkload.Default);

        var result = await scenario.RunAsync(DemoSetup.Environment(sourceLatencyMs: 10));

        var tuned = result.Fact("tunedHitRate");
        Assert.That(tuned, Is.EqualTo(result.Fact("theoreticalHitRate")), "with the tuned TTL nothing expires during the run");
        Assert.That(result.Summary.HitRate, Is.LessThan(tuned / 3), "the short TTL throws most of the hits away");
        Assert.That(result.Fact("ttlMs"), Is.EqualTo(5), "half the source latency");
        Assert.That(result.Fact("medianRepeatGapMs"), Is.GreaterThan(result.Fact("ttlMs")));
        Assert.That(result.Summary.Reads, Is.EqualTo(ZipfWorkload.Default.Calls));
    }

    [TestCase(100, 50)]
    [TestCase(3, 2)]
    [TestCase(0, 1)]
    public void DefaultShortTtl_IsHalfTheSourceLatency_AtLeastOneMillisecond(int latencyMs, int expectedMs)
    {
        var ttl = TtlTooShortScenario.DefaultShortTtl(TimeSpan.FromMilliseconds(latencyMs));

        Assert.That(ttl, Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
    }
}
