using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's ttl-too-long scenario: a write around the interface is served stale until the TTL ends, and never after.</summary>
public sealed class TtlTooLongScenarioTests
{
    [Test]
    public async Task Run_WriteBehindTheCache_ReadsAreStaleUntilTheTtlEndsAndFreshAfter()
    {
        var scenario = new TtlTooLongScenario(ttl: TimeSpan.FromMilliseconds(800), readInterval: TimeSpan.FromMilliseconds(150));

        var result = await scenario.RunAsync(DemoSetup.Environment(sourceLatencyMs: 10));

        var calls = result.Calls;
        var write = calls.Single(c => c.Kind == CallKind.Write);
        Assert.That(write is { BypassedInterface: true, Outcome: CallOutcome.NotInvalidated }, Is.True);
        Assert.That(write.Key, Is.EqualTo(calls[0].Key), "the write names the entry it left in place");
        var afterWrite = calls.Where(c => c.Index > write.Index).ToList();
        var refreshed = afterWrite.First(c => c.Outcome != CallOutcome.Hit || !c.Stale);
        var stale = afterWrite.TakeWhile(c => c != refreshed).ToList();
        Assert.That(stale, Is.Not.Empty, "the cache served the old price after the database changed");
        Assert.That(stale.Select(c => (c.Stale, c.Outcome, c.Value!.Version)), Is.All.EqualTo((true, CallOutcome.Hit, 1)), "each read of the old row is a hit, marked stale");
        // A miss once the entry expired — or, when a read just before expiry refreshed it early, a hit on the new row.
        Assert.That(refreshed.Outcome, Is.AnyOf(CallOutcome.Miss, CallOutcome.Hit));
        Assert.That(refreshed.Value, Is.EqualTo(write.Value), "once the entry expired or was refreshed, the read returned the database's row");
        Assert.That(refreshed.StartedAtMs - calls[0].StartedAtMs, Is.GreaterThanOrEqualTo(800), "the entry lived for its TTL");
        Assert.That(afterWrite.SkipWhile(c => c != refreshed).Select(c => c.Stale), Is.All.False);
        Assert.That(afterWrite.SkipWhile(c => c != refreshed).Count(), Is.EqualTo(3), "two more reads after the first fresh one");
        Assert.That(result.Fact("staleReads"), Is.EqualTo(stale.Count));
        Assert.That(result.Summary.StaleReads, Is.EqualTo(stale.Count));
    }
}
