using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's ttl scenario: the seed's TTL of 2 s and wait of 3 s, and a wait inside the TTL for contrast.</summary>
public sealed class TtlScenarioTests
{
    [Test]
    public async Task Run_WithTheSeedsTwoSecondTtlAndThreeSecondWait_SecondReadIsAMiss()
    {
        var scenario = new TtlScenario();

        var result = await scenario.RunAsync(DemoSetup.Environment(sourceLatencyMs: 10));

        Assert.That(scenario.Ttl, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(scenario.Wait, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(result.Calls.Select(c => c.Outcome), Is.EqualTo(new[] { CallOutcome.Miss, CallOutcome.Miss }));
        Assert.That(result.Calls[1].StartedAtMs - result.Calls[0].StartedAtMs, Is.GreaterThanOrEqualTo(3000));
        Assert.That(new[] { result.Fact("ttlSeconds"), result.Fact("waitSeconds"), result.Fact("ttlMs") }, Is.EqualTo(new[] { 2d, 3d, 2000d }));
        Assert.That(result.Conclusions, Has.Some.StartsWith("Invariant:"));
    }

    [Test]
    public async Task Run_WaitShorterThanTheTtl_SecondReadIsAHit()
    {
        var scenario = new TtlScenario(ttl: TimeSpan.FromSeconds(2), wait: TimeSpan.FromMilliseconds(200));

        var result = await scenario.RunAsync(DemoSetup.Environment(sourceLatencyMs: 10));

        Assert.That(result.Calls.Select(c => c.Outcome), Is.EqualTo(new[] { CallOutcome.Miss, CallOutcome.Hit }));
    }
}
