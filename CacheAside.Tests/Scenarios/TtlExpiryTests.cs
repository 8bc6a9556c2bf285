using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>The seed's fourth step: an entry lives for its TTL and no longer.</summary>
[TestFixture(Topology.Single)]
[TestFixture(Topology.Cluster)]
public sealed class TtlExpiryTests(Topology topology)
{
    [Test]
    public async Task Read_AfterTheTtlExpired_IsAMiss()
    {
        var source = new QuoteSource();
        using var harness = CacheAsideHarness<IQuoteService>.Create(source, topology, o => o.DefaultTtl = TimeSpan.FromSeconds(2));

        var first = harness.Service.GetQuote("ACME");
        var ttl = harness.Redis.KeyTimeToLive(harness.Key("quote:ACME"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var second = harness.Service.GetQuote("ACME");

        Assert.That(ttl, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss }));
        Assert.That(source.Calls, Is.EqualTo(2));
        Assert.That(second, Is.Not.EqualTo(first), "the second read loaded a fresh value");
    }

    [Test]
    public async Task Read_BeforeTheTtlExpired_IsAHit()
    {
        var source = new QuoteSource();
        using var harness = CacheAsideHarness<IQuoteService>.Create(source, topology, o => o.DefaultTtl = TimeSpan.FromSeconds(2));

        var first = await harness.Service.GetQuoteAsync("ACME");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var second = await harness.Service.GetQuoteAsync("ACME");

        Assert.That(second, Is.EqualTo(first));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
    }

    [Test]
    public void Jitter_AddsAtMostItsShareToTheTtl()
    {
        using var harness = CacheAsideHarness<IQuoteService>.Create(new QuoteSource(), topology, o =>
        {
            o.DefaultTtl = TimeSpan.FromSeconds(100);
            o.TtlJitter = 0.5;
        });

        var ttls = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            harness.Service.GetQuote($"S{i}");
            ttls.Add(harness.Redis.KeyTimeToLive(harness.Key($"quote:S{i}"))!.Value);
        }

        Assert.That(ttls, Is.All.GreaterThan(TimeSpan.FromSeconds(98)).And.All.LessThanOrEqualTo(TimeSpan.FromSeconds(150)));
        Assert.That(ttls.Distinct().Count(), Is.GreaterThan(1), "entries stored together expire apart");
    }
}
