using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's invalidation scenario: a write through the [Invalidates] method makes the next read a miss with new data.</summary>
public sealed class InvalidationScenarioTests
{
    [Test]
    public async Task Run_WriteThroughTheInterface_NextReadIsAMissWithTheNewPrice()
    {
        var environment = DemoSetup.Environment(sourceLatencyMs: 10);

        var result = await new InvalidationScenario().RunAsync(environment);

        var calls = result.Calls;
        Assert.That(calls.Select(c => (c.Kind, c.Outcome)), Is.EqualTo(new[]
        {
            (CallKind.Read, CallOutcome.Miss), (CallKind.Read, CallOutcome.Hit), (CallKind.Write, CallOutcome.Invalidated), (CallKind.Read, CallOutcome.Miss),
        }));
        var (before, written, after) = (calls[1].Value!, calls[2].Value!, calls[3].Value!);
        Assert.That(after, Is.EqualTo(written), "the read after the write returns the row the write stored");
        Assert.That(after.Price, Is.Not.EqualTo(before.Price));
        Assert.That(after.Version, Is.EqualTo(before.Version + 1));
        Assert.That(calls.Select(c => c.Stale), Is.All.False);
        Assert.That(calls[2].Key, Is.EqualTo(calls[0].Key), "the write deleted the key the read stored");
    }
}
