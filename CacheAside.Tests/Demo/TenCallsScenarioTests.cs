using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's ten-calls scenario, run as the demo runs it, against the private Redis.</summary>
public sealed class TenCallsScenarioTests
{
    [Test]
    public async Task Run_TenReadsOfOneKey_MissOnceThenHitNineTimes()
    {
        var environment = DemoSetup.Environment(sourceLatencyMs: 100);
        await environment.WarmUpAsync();

        var result = await new TenCallsScenario().RunAsync(environment);

        var calls = result.Calls;
        Assert.That(calls.Select(c => c.Outcome), Is.EqualTo(new[] { CallOutcome.Miss }.Concat(Enumerable.Repeat(CallOutcome.Hit, 9))));
        Assert.That(calls.Select(c => c.Key).Distinct(), Has.Exactly(1).EndsWith(":ten-calls:{product:1}"));
        Assert.That(calls.Select(c => c.Value), Is.All.EqualTo(calls[0].Value));
        Assert.That(calls.Select(c => c.Stale), Is.All.False);
        Assert.That(result.Summary, Is.EqualTo(result.Summary with { Reads = 10, Hits = 9, Misses = 1, Bypasses = 0, HitRate = 0.9 }));
    }

    [Test]
    public async Task Run_WithAHundredMillisecondSource_HitsAreAnOrderOfMagnitudeFasterThanTheMiss()
    {
        var environment = DemoSetup.Environment(sourceLatencyMs: 100);
        await environment.WarmUpAsync();

        var result = await new TenCallsScenario().RunAsync(environment);

        var miss = result.Calls[0].ElapsedMs;
        Assert.That(miss, Is.GreaterThanOrEqualTo(95), "the miss pays the source's latency");
        Assert.That(result.Calls.Skip(1).Select(c => c.Outcome), Is.All.EqualTo(CallOutcome.Hit), "no later call went to the source");
        var hits = result.Calls.Skip(1).Select(c => c.ElapsedMs).Order().ToList();
        Assert.That(hits[hits.Count / 2], Is.LessThan(miss / 10), "a hit is far faster than the source");

        // An order of magnitude, not a figure: on a busy machine one hit can wait tens of milliseconds for a core.
        Assert.That(hits[^1], Is.LessThan(miss), "even the slowest hit (a GC pause, say) never costs the source's latency");
        Assert.That(result.Summary.TotalMs, Is.EqualTo(result.Calls.Sum(c => c.ElapsedMs)).Within(1e-9));
    }
}
