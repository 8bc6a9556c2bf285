using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Cluster;

/// <summary>
/// Reads whose hash slot is moving between cluster nodes, as during <c>redis-cli --cluster reshard</c>: a slot move
/// is not a Redis failure. A miss still returns the repository's answer, is stored once the move lets it, never
/// counts toward the circuit breaker, and a lease taken before the move ends with its load, not after it expires.
/// Each test moves a slot of its own on one private cluster.
/// </summary>
[NonParallelizable]
public sealed class MigratingSlotReadTests
{
    private RedisCluster _cluster = null!;
    private ConnectionMultiplexer _admin = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = RedisCluster.Start();
        _admin = await ConnectionMultiplexer.ConnectAsync(_cluster.Endpoints + ",allowAdmin=true");
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        _admin?.Dispose();
        _cluster?.Dispose();
    }

    [TestCase(ReadShape.Sync, 1)]
    [TestCase(ReadShape.Task, 2)]
    [TestCase(ReadShape.ValueTask, 3)]
    public async Task MissWhileItsSlotStaysMoving_ReturnsTheRepositorysAnswer_AndIsNotABreakerFailure(ReadShape shape, int id)
    {
        var source = new RowSource();
        source.Commit(id, $"row {id}");
        source.Commit(100 + id, $"row {100 + id}");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, _cluster.Endpoints, BreakerThatOpensOnOneFailure);
        var engine = harness.Container.Resolve<CacheEngine>();
        var breaker = engine.Store.Breaker;
        var key = (RedisKey)harness.Key($"row:{id}");
        Assert.That(_admin.HashSlot(harness.Key($"row:{100 + id}")), Is.Not.EqualTo(_admin.HashSlot(key)), "the other row must be in a slot that does not move (only the braced body is hashed, so this holds in every run)");

        using (_cluster.StartMoving(_admin, key))
        {
            var first = await harness.Service.Read(shape, id);
            var firstEvent = harness.Observer.Last;
            var second = await harness.Service.Read(shape, id);

            Assert.That((first, second), Is.EqualTo(($"row {id}", $"row {id}")));
            Assert.That(firstEvent.Outcome, Is.EqualTo(CacheOutcome.Miss), "a slot move is no outage: the read is a miss, not a bypass");
            Assert.That(firstEvent.Details.HasFlag(CacheEventDetails.SlotMoving), Is.True, "the event says why nothing was stored");
            Assert.That(breaker.IsOpen, Is.False, "the refused lease step (TRYAGAIN) did not count toward the circuit breaker");
            Assert.That(engine.SyncFallbacks, Is.Zero, "the lease step sent again after pauses still completes synchronously for a synchronous caller");
        }

        await harness.Service.Read(shape, 100 + id);
        var other = await harness.Service.Read(shape, 100 + id);

        Assert.That(other, Is.EqualTo($"row {100 + id}"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit), "caching stayed on for every other slot");
    }

    [TestCase(ReadShape.Sync, 11)]
    [TestCase(ReadShape.Task, 12)]
    [TestCase(ReadShape.ValueTask, 13)]
    public async Task MissWhoseSlotMoveEndsWithinTheBudget_IsStoredOnTheNewOwner(ReadShape shape, int id)
    {
        var source = new RowSource();
        source.Commit(id, $"row {id}");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, _cluster.Endpoints, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        var key = (RedisKey)harness.Key($"row:{id}");
        using var move = _cluster.StartMoving(_admin, key);

        var reading = shape.Start(() => harness.Service.Read(shape, id));
        await Task.Delay(200);
        move.Complete();
        var first = await reading;
        var missed = harness.Observer.Events.Single(e => e.Key == key);
        var second = await harness.Service.Read(shape, id);

        Assert.That((first, second), Is.EqualTo(($"row {id}", $"row {id}")));
        Assert.That(missed.Outcome, Is.EqualTo(CacheOutcome.Miss));
        Assert.That(missed.Details & (CacheEventDetails.NotStored | CacheEventDetails.StoreFailed), Is.EqualTo(CacheEventDetails.None), "the lease step waited out the move within its budget, then the value was stored");
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That((int)await _admin.GetServer(move.To.Endpoint).ExecuteAsync("EXISTS", key), Is.EqualTo(1), "the entry is on the slot's new owner");
        Assert.That(source.Loads, Is.EqualTo(1));
    }

    [TestCase(ReadShape.Sync, 21)]
    [TestCase(ReadShape.Task, 22)]
    [TestCase(ReadShape.ValueTask, 23)]
    public async Task LeaseTakenJustBeforeItsSlotMoves_EndsWithItsLoad_SoTheNextCallerLoadsWithoutWaiting(ReadShape shape, int id)
    {
        var source = new RowSource();
        source.Commit(id, $"row {id}");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, _cluster.Endpoints, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        var key = (RedisKey)harness.Key($"row:{id}");
        var lease = (RedisKey)(harness.Key($"row:{id}") + ":lease");
        source.Gate.Close();
        var loading = shape.Start(() => harness.Service.Read(shape, id));
        Assert.That(source.Gate.WaitForArrival(), Is.True, "the load holds the lease");
        var move = _cluster.StartMoving(_admin, key);
        try
        {
            move.Migrate(lease);
            source.Gate.Open();
            var loaded = await loading;

            Assert.That(loaded, Is.EqualTo($"row {id}"));
            Assert.That(Eventually.True(() => !_admin.GetDatabase().KeyExists(lease), TimeSpan.FromMilliseconds(500)), Is.True, "the lease ended with its load, on the node the move took it to");
            Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.SlotMoving), Is.True, "the store was refused while the lease and the value were on different nodes");
        }
        finally
        {
            move.Complete();
        }

        var next = await harness.Service.Read(shape, id);

        Assert.That(next, Is.EqualTo($"row {id}"));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.WaitedForLoader), Is.False, "no lease was left to wait out");
        Assert.That(await harness.Service.Read(shape, id), Is.EqualTo($"row {id}"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
    }

    [Test]
    public async Task InvalidationWhileItsSlotMoves_IsNotABreakerFailure()
    {
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(new RowSource(), _cluster.Endpoints, BreakerThatOpensOnOneFailure);
        var breaker = harness.Container.Resolve<CacheEngine>().Store.Breaker;
        var key = (RedisKey)harness.Key("row:31");
        Assert.That(_admin.HashSlot(harness.Key("row:131")), Is.Not.EqualTo(_admin.HashSlot(key)), "the other row must be in a slot that does not move (only the braced body is hashed, so this holds in every run)");
        await harness.Service.GetAsync(131);

        using (_cluster.StartMoving(_admin, key))
        {
            var invalidated = await harness.Invalidator.InvalidateAsync($"row:{31}");

            Assert.That(invalidated, Is.True);
            Assert.That(breaker.IsOpen, Is.False, "the script refused with TRYAGAIN, then followed by single-key deletes, did not count toward the circuit breaker");
        }
    }

    /// <summary>A breaker that any one failed command among the few a test sends would open.</summary>
    private static void BreakerThatOpensOnOneFailure(CacheAsideOptions o)
    {
        o.RedisTimeout = TimeSpan.FromSeconds(1);
        o.CircuitBreakerMinimumThroughput = 2;
        o.CircuitBreakerFailureRatio = 0.01;
    }
}
