using System.Diagnostics.Metrics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// The circuit breaker around Redis, with its clock in the test's hands: after repeated failures Redis is
/// not asked at all, after the break one call probes it, and a successful probe closes the circuit.
/// </summary>
public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan s_breakDuration = TimeSpan.FromSeconds(30);

    [Test]
    public void AMetricsListenerThatThrowsOnStateChanges_NeitherFailsACallerNorStopsTheBreaker()
    {
        using var server = RedisServer.Start();
        using var connection = ConnectFailingFast(server);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, o =>
        {
            o.TimeProvider = clock;
            o.CircuitBreakerMinimumThroughput = 4;
            o.CircuitBreakerBreakDuration = s_breakDuration;
        }, connection);
        using var broken = new MeterListener();
        broken.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CacheAsideDiagnostics.MeterName && instrument.Name == CacheAsideDiagnostics.CircuitStateChanges)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        broken.SetMeasurementEventCallback<long>((_, _, _, _) => throw new InvalidOperationException("The application's metrics listener failed."));
        broken.Start();
        harness.Service.GetById(1);

        server.Kill();
        for (var i = 0; i < 6; i++)
        {
            Assert.That(harness.Service.GetById(2), Is.EqualTo(store.Row(2)), "a call while the breaker opens");
        }

        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.CircuitOpen), "the breaker opened");
        server.Restart();
        Assert.That(Eventually.True(() => connection.IsConnected, TimeSpan.FromSeconds(20)), Is.True);
        clock.Advance(s_breakDuration + TimeSpan.FromSeconds(1));

        Assert.That(harness.Service.GetById(2), Is.EqualTo(store.Row(2)), "the probe");
        Assert.That(harness.Service.GetById(2), Is.EqualTo(store.Row(2)));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit), "the probe closed the breaker: caching resumed");
    }

    [Test]
    public void OpenBreaker_IssuesNoRedisCommand_ThenProbes_AndClosesWhenRedisAnswers()
    {
        using var server = RedisServer.Start();
        using var inner = ConnectFailingFast(server);
        var counting = new CountingMultiplexer(inner);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new ProductStore();
        using var states = new MetricCapture(CacheAsideDiagnostics.CircuitStateChanges);
        using var harness = CacheAsideHarness<IProductRepository>.Create(store, o =>
        {
            o.TimeProvider = clock;
            o.CircuitBreakerMinimumThroughput = 4;
            o.CircuitBreakerBreakDuration = s_breakDuration;
        }, counting.Connection);
        harness.Service.GetById(1);
        server.Kill();
        for (var i = 0; i < 4; i++)
        {
            harness.Service.GetById(2);
        }

        var commandsWhenOpened = counting.Commands;
        harness.Observer.Clear();

        for (var i = 0; i < 50; i++)
        {
            harness.Service.GetById(3);
            harness.Service.Update(store.Row(3)!);
        }

        Assert.That(counting.Commands, Is.EqualTo(commandsWhenOpened), "no Redis command while the breaker is open");
        Assert.That(harness.Observer.Events.Select(e => (e.Outcome, e.Details)).Distinct(), Is.EquivalentTo(new[]
        {
            (CacheOutcome.Bypass, CacheEventDetails.CircuitOpen),
            (CacheOutcome.InvalidationFailed, CacheEventDetails.CircuitOpen),
        }));
        Assert.That(Eventually.True(() => states.Count(CacheAsideDiagnostics.CircuitStateTag, "open") == 1), Is.True, "one change to open was counted");

        server.Restart();
        Assert.That(Eventually.True(() => inner.IsConnected, TimeSpan.FromSeconds(20)), Is.True, "the multiplexer reconnected");
        harness.Service.GetById(3);
        Assert.That(counting.Commands, Is.EqualTo(commandsWhenOpened), "still open: the break has not passed on the breaker's clock");

        clock.Advance(s_breakDuration + TimeSpan.FromSeconds(1));
        harness.Observer.Clear();
        var probe = harness.Service.GetById(3);
        // The writes made while the breaker was open are invalidated again once it has closed.
        Assert.That(Eventually.True(() => harness.Container.Resolve<CacheEngine>().PendingRepairs == 0), Is.True, "the writes' invalidations were repaired");
        var next = harness.Service.GetById(3);
        var after = harness.Service.GetById(3);

        Assert.That(probe, Is.EqualTo(store.Row(3)));
        Assert.That(next, Is.EqualTo(store.Row(3)));
        Assert.That(after, Is.EqualTo(store.Row(3)));
        Assert.That(harness.Observer.Outcomes[0], Is.EqualTo(CacheOutcome.Miss), "the probe");
        Assert.That(harness.Observer.Outcomes[^1], Is.EqualTo(CacheOutcome.Hit), "caching resumed");
        Assert.That(Eventually.True(() => states.Count(CacheAsideDiagnostics.CircuitStateTag, "closed") == 1), Is.True, "one change to closed was counted");
        Assert.That(states.Count(CacheAsideDiagnostics.CircuitStateTag, "half_open"), Is.EqualTo(1));
        Assert.That(harness.Logs.WithId(13).Count(), Is.EqualTo(1), "opening logged once");
        Assert.That(harness.Logs.WithId(15).Count(), Is.EqualTo(1), "closing logged once");
    }

    [Test]
    public void FailedProbe_OpensTheBreakerAgain()
    {
        var server = RedisServer.Create();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, server.Endpoint, o =>
        {
            o.TimeProvider = clock;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerBreakDuration = s_breakDuration;
        });
        harness.Service.GetById(1);
        harness.Service.GetById(1);

        clock.Advance(s_breakDuration + TimeSpan.FromSeconds(1));
        harness.Service.GetById(1);
        harness.Service.GetById(1);

        Assert.That(harness.Observer.Events.Select(e => e.Details), Is.EqualTo(new[]
        {
            CacheEventDetails.None, CacheEventDetails.None, CacheEventDetails.None, CacheEventDetails.CircuitOpen,
        }), "two failures open it; after the break one call probes and fails; the next is skipped again");
        Assert.That(Eventually.True(() => harness.Logs.WithId(13).Count() == 2), Is.True, "opened, then opened again after the failed probe");
        Assert.That(harness.Logs.WithId(14).Count(), Is.EqualTo(1));
    }

    /// <summary>A multiplexer that fails commands at once while Redis is down, rather than queueing them, and reconnects on its own.</summary>
    private static ConnectionMultiplexer ConnectFailingFast(RedisServer server)
    {
        var options = ConfigurationOptions.Parse(server.Endpoint);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.Connect(options);
    }
}
