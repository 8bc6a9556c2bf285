using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Cluster;

/// <summary>
/// A cluster that loses a primary, and one whose slots move, under a concurrent read and write workload:
/// no call fails, every read returns what the source had (never older than a write that completed before
/// it began), caching resumes on the promoted replica without a restart, and no stale entry is left.
/// These tests break their own cluster.
/// </summary>
[NonParallelizable]
public sealed class ClusterFailoverTests
{
    private const int Rows = 50;

    [Test]
    public async Task PrimaryKilled_UnderLoad_NoCallFails_NoReadIsStale_AndHitsResumeOnThePromotedReplica()
    {
        using var cluster = RedisCluster.Start();
        var source = new VersionedSource(Rows);
        using var harness = CacheAsideHarness<IVersioned>.CreateConnecting(source, cluster.Endpoints);
        using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.Endpoints);
        using var workload = new Workload(harness.Service, source);
        await workload.WarmAsync();
        var victim = cluster.PrimaryFor(admin, harness.Key("v:0"));

        var running = workload.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        // Writes acknowledged by a primary in the instant before it dies may not have reached its replica:
        // Redis replicates asynchronously (see the README). The writers rest around the kill; readers do not.
        workload.PauseWriters();
        await Task.Delay(100);
        var killedAt = workload.Clock.Elapsed;
        victim.Kill();
        await Task.Delay(100);
        workload.ResumeWriters();
        var resumed = await workload.WaitForHitsOnAsync(harness.Key("v:0"), harness, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var calls = await workload.StopAsync(running);

        var bypasses = harness.Observer.Outcomes.Count(o => o == CacheOutcome.Bypass);
        TestContext.Out.WriteLine($"{calls} calls, {bypasses} bypassed, {workload.UnconfirmedWrites} writes whose invalidation failed and was repaired; hits on the victim's slot again {Ms(resumed - killedAt)} after the kill");
        Assert.That(workload.Failures, Is.Empty, "no call failed");
        Assert.That(workload.StaleReads, Is.Zero, "no read returned a version older than a write completed before it began");
        Assert.That(resumed - killedAt, Is.LessThan(TimeSpan.FromSeconds(20)), "caching resumed on the promoted replica, without a restart");
        Assert.That(await workload.StaleEntriesAsync(admin, harness.Container.Resolve<CacheEngine>()), Is.Zero, "no stale entry left");
    }

    [Test]
    public void SynchronousInvalidation_OfTwoSlotsOnAPausedPrimary_WaitsOneBudget_NotOnePerSlot()
    {
        using var cluster = RedisCluster.Start();
        using var harness = CacheAsideHarness<ITriple>.CreateConnecting(new Triple(), cluster.Endpoints, o => o.RedisTimeout = TimeSpan.FromMilliseconds(400));
        using var admin = ConnectionMultiplexer.Connect(cluster.Endpoints);
        RedisKey A(int id) => harness.Key($"a:{id}");
        RedisKey B(int id) => harness.Key($"b:{id}");
        var id = Enumerable.Range(0, 1000).First(i => admin.HashSlot(A(i)) != admin.HashSlot(B(i)) && cluster.PrimaryFor(admin, A(i)) == cluster.PrimaryFor(admin, B(i)));
        var victim = cluster.PrimaryFor(admin, A(id));
        harness.Service.Write(id);
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Invalidated), "the scripts are loaded and the connections warm");

        victim.Pause();
        try
        {
            var writing = Stopwatch.StartNew();
            harness.Service.Write(id);
            writing.Stop();

            TestContext.Out.WriteLine($"a synchronous invalidation of two slots on a paused primary took {writing.ElapsedMilliseconds} ms with a budget of 400 ms");
            Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.InvalidationFailed));
            Assert.That(writing.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(700)), "the slots' commands, sent together, share one budget");
        }
        finally
        {
            victim.Resume();
        }
    }

    [Test]
    public async Task SlotsMoving_UnderLoad_NoCallFails_AndNoReadIsStale()
    {
        using var cluster = RedisCluster.Start();
        var source = new VersionedSource(Rows);
        using var harness = CacheAsideHarness<IVersioned>.CreateConnecting(source, cluster.Endpoints);
        using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.Endpoints);
        using var workload = new Workload(harness.Service, source);
        await workload.WarmAsync();

        var running = workload.StartAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await Task.Run(() => cluster.Reshard(1000));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var calls = await workload.StopAsync(running);

        TestContext.Out.WriteLine($"{calls} calls while 1000 slots moved; outcomes: {string.Join(", ", harness.Observer.Outcomes.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key}"))}");
        Assert.That(workload.Failures, Is.Empty);
        Assert.That(workload.StaleReads, Is.Zero);
        Assert.That(harness.Observer.Outcomes, Does.Contain(CacheOutcome.Hit));
        Assert.That(await workload.StaleEntriesAsync(admin, harness.Container.Resolve<CacheEngine>()), Is.Zero);
    }

    [Test]
    public async Task PrimaryKilled_WithoutFullCoverage_TheOtherPrimariesSlotsStayCached_UnderCoalescedReads()
    {
        using var cluster = RedisCluster.Start();
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, cluster.Endpoints);
        using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.Endpoints + ",allowAdmin=true");
        foreach (var endpoint in admin.GetEndPoints())
        {
            await admin.GetServer(endpoint).ConfigSetAsync("cluster-require-full-coverage", "no");
        }

        const int Ids = 300;
        for (var id = 1; id <= Ids; id++)
        {
            store.SetRow(new Product(id, $"product {id}", id));
            await harness.Service.GetByIdAsync(id);
        }

        var victim = cluster.PrimaryFor(admin, harness.Key("product:1"));
        var onVictim = Enumerable.Range(1, Ids).Where(id => cluster.PrimaryFor(admin, harness.Key($"product:{id}")) == victim).ToHashSet();
        var batchesBefore = harness.Container.Resolve<CacheEngine>().Store.Batches;
        victim.Kill();
        long healthyCalls = 0, healthyHits = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        await Task.WhenAll(Enumerable.Range(0, 32).Select(caller => Task.Run(async () =>
        {
            var next = caller * 7;
            while (!stop.IsCancellationRequested)
            {
                var id = 1 + (next++ % Ids);
                var seen = RecordingObserver.Watch();
                await harness.Service.GetByIdAsync(id);
                if (!onVictim.Contains(id))
                {
                    Interlocked.Increment(ref healthyCalls);
                    if (seen.Value?.Outcome == CacheOutcome.Hit)
                    {
                        Interlocked.Increment(ref healthyHits);
                    }
                }
            }
        })));

        TestContext.Out.WriteLine($"{onVictim.Count} of {Ids} ids on the killed primary; the others: {healthyHits} hits in {healthyCalls} calls");
        Assert.That(harness.Container.Resolve<CacheEngine>().Store.Batches, Is.GreaterThan(batchesBefore), "reads went out in batches, some holding keys of the dead primary");
        Assert.That(healthyHits, Is.GreaterThanOrEqualTo(healthyCalls * 9 / 10), "the dead primary's share of a batch fails alone: the other slots stay cached");
    }

    [Test]
    public async Task ShardLost_WithoutFullCoverage_ItsSlotsBypass_WithoutOpeningTheBreaker_AndTheOtherSlotsStayCached()
    {
        using var cluster = RedisCluster.Start();
        using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.Endpoints + ",allowAdmin=true");
        foreach (var endpoint in admin.GetEndPoints())
        {
            await admin.GetServer(endpoint).ConfigSetAsync("cluster-require-full-coverage", "no");
        }

        var store = new ProductStore();

        // Timing is not what this tests: with a budget a busy machine never runs out of, every failure is the refusal.
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, cluster.Endpoints, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        var engine = harness.Container.Resolve<CacheEngine>();
        const int Ids = 200;
        for (var id = 1; id <= Ids; id++)
        {
            store.SetRow(new Product(id, $"product {id}", id));
            await harness.Service.GetByIdAsync(id);
        }

        var victim = cluster.PrimaryFor(admin, harness.Key("product:1"));
        var lost = Enumerable.Range(1, Ids).Where(id => cluster.PrimaryFor(admin, harness.Key($"product:{id}")) == victim).ToArray();
        var kept = Enumerable.Range(1, Ids).Except(lost).ToArray();
        cluster.LoseShard(victim);

        // Until StackExchange.Redis learns the new slot map, the lost slots' commands go to the dead node and fail to
        // connect (failures, which may open the breaker); once it has, the survivors refuse them, and the breaker closes.
        Assert.That(Eventually.True(() => SlotNotServed(engine.Store.Connection, harness.Key("product:1")), TimeSpan.FromSeconds(30)), Is.True, "the lost slots are refused as not served");
        Assert.That(Eventually.True(() => harness.Service.GetById(kept[0]) is not null && !engine.Store.Breaker.IsOpen, TimeSpan.FromSeconds(30)), Is.True);
        long keptCalls = 0, keptHits = 0, lostCalls = 0, lostBypasses = 0, circuitOpen = 0, wrong = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        // Half the reads on the lost slots: were their refusals Redis failures, the failure ratio would open the breaker.
        await Task.WhenAll(Enumerable.Range(0, 32).Select(caller => Task.Run(async () =>
        {
            var ids = caller % 2 == 0 ? lost : kept;
            var next = caller * 7;
            while (!stop.IsCancellationRequested)
            {
                var id = ids[next++ % ids.Length];
                var seen = RecordingObserver.Watch();
                if (await harness.Service.GetByIdAsync(id) != store.Row(id))
                {
                    Interlocked.Increment(ref wrong);
                }

                var observed = seen.Value!.Value;
                Interlocked.Add(ref circuitOpen, observed.Details.HasFlag(CacheEventDetails.CircuitOpen) ? 1 : 0);
                if (ids == lost)
                {
                    Interlocked.Increment(ref lostCalls);
                    Interlocked.Add(ref lostBypasses, observed.Outcome == CacheOutcome.Bypass ? 1 : 0);
                }
                else
                {
                    Interlocked.Increment(ref keptCalls);
                    Interlocked.Add(ref keptHits, observed.Outcome == CacheOutcome.Hit ? 1 : 0);
                }
            }
        })));

        TestContext.Out.WriteLine($"{lost.Length} of {Ids} ids on the lost shard: {lostBypasses} bypasses in {lostCalls} calls; the others: {keptHits} hits in {keptCalls} calls; {circuitOpen} calls skipped by the open breaker");
        Assert.That(wrong, Is.Zero, "every caller got its row");
        Assert.That(lostBypasses, Is.EqualTo(lostCalls), "a slot no node serves bypasses the cache");
        Assert.That(circuitOpen, Is.Zero, "refusals of slots no node serves never opened the circuit breaker");
        Assert.That(engine.Store.Breaker.IsOpen, Is.False);
        Assert.That(keptHits, Is.GreaterThanOrEqualTo(keptCalls * 9 / 10), "the other slots stayed cached");
    }

    [Test]
    public async Task InvalidationOfEntriesWhoseSlotsAreMigrating_DeletesThem_AndTheNextReadIsAMiss()
    {
        using var cluster = RedisCluster.Start();
        var source = new Triple();
        using var harness = CacheAsideHarness<ITriple>.CreateConnecting(source, cluster.Endpoints, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.Endpoints + ",allowAdmin=true");
        await harness.Service.AAsync(7);
        await harness.Service.BAsync(7);
        var a = (RedisKey)harness.Key("a:7");
        var b = (RedisKey)harness.Key("b:7");
        Assert.That(admin.HashSlot(a), Is.Not.EqualTo(admin.HashSlot(b)));
        Assert.That(await harness.Service.AAsync(7), Is.EqualTo("a1"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));

        // Both slots start moving to another primary, as `redis-cli --cluster reshard` begins a move; the entries
        // have not moved yet. A key that is not on the old node is asked for on the new one (ASK).
        using (cluster.StartMoving(admin, a))
        using (cluster.StartMoving(admin, b))
        {
            var invalidated = await harness.Invalidator.InvalidateAsync($"a:{7}");

            Assert.That(invalidated, Is.True, "the explicit invalidation was confirmed");
            Assert.That((int)await Node(admin, cluster.PrimaryFor(admin, a)).ExecuteAsync("EXISTS", a), Is.Zero, "the entry is gone from the node that holds it");
            Assert.That(await harness.Service.AAsync(7), Is.EqualTo("a1"));
            Assert.That(harness.Observer.Last.Outcome, Is.Not.EqualTo(CacheOutcome.Hit), "the next read went to the repository");

            await harness.Service.WriteAsync(7);

            Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Invalidated), "the write's invalidation was confirmed");
            Assert.That((int)await Node(admin, cluster.PrimaryFor(admin, b)).ExecuteAsync("EXISTS", b), Is.Zero, "the entry is gone from the node that holds it");
            Assert.That(await harness.Service.BAsync(7), Is.EqualTo("b2"), "the next read does not return the value the write replaced");
        }
    }

    private static IServer Node(ConnectionMultiplexer admin, RedisServer server) => admin.GetServer(server.Endpoint);

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0} ms";

    /// <summary>Whether a node refuses <paramref name="key"/>'s slot as served by no node, through <paramref name="connection"/>'s view of the cluster.</summary>
    private static bool SlotNotServed(IConnectionMultiplexer connection, RedisKey key)
    {
        try
        {
            connection.GetDatabase().Execute("GET", key);
            return false;
        }
        catch (RedisServerException refused) when (refused.Message.StartsWith("CLUSTERDOWN Hash slot not served", StringComparison.Ordinal))
        {
            return true;
        }
        catch (Exception other) when (other is RedisException or TimeoutException)
        {
            return false;
        }
    }

    public interface IVersioned
    {
        [Cached("v:{id}", TtlSeconds = 300)]
        Task<long> GetAsync(int id);

        [Cached("v:{id}", TtlSeconds = 300)]
        long Get(int id);

        [Invalidates("v:{id}")]
        Task<long> WriteAsync(int id);
    }

    /// <summary>Versioned rows: a read returns the version it saw, then waits 1–3 ms; a write commits the next version.</summary>
    public sealed class VersionedSource(int rows) : IVersioned
    {
        private readonly long[] _versions = new long[rows];

        public long Version(int id) => Volatile.Read(ref _versions[id]);

        public async Task<long> GetAsync(int id)
        {
            var version = Version(id);
            await Task.Delay(Random.Shared.Next(1, 4));
            return version;
        }

        public long Get(int id)
        {
            var version = Version(id);
            Thread.Sleep(Random.Shared.Next(1, 4));
            return version;
        }

        public Task<long> WriteAsync(int id) => Task.FromResult(Interlocked.Increment(ref _versions[id]));
    }

    /// <summary>Eight readers (six async, two sync on threads of their own) and two writers over the rows.</summary>
    private sealed class Workload(IVersioned cache, VersionedSource source) : IDisposable
    {
        private readonly long[] _completed = new long[Rows];
        private readonly CancellationTokenSource _stop = new();
        private volatile bool _writersPaused;
        private long _calls;
        private long _staleReads;
        private long _unconfirmedWrites;

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public ConcurrentQueue<Exception> Failures { get; } = new();

        public long StaleReads => Interlocked.Read(ref _staleReads);

        public long UnconfirmedWrites => Interlocked.Read(ref _unconfirmedWrites);

        public async Task WarmAsync()
        {
            for (var id = 0; id < Rows; id++)
            {
                await cache.GetAsync(id);
            }
        }

        public Task StartAsync()
        {
            var readers = Enumerable.Range(0, 8).Select(r => r < 6
                ? Task.Run(() => ReadAsync(sync: false))
                : Task.Factory.StartNew(() => ReadAsync(sync: true).GetAwaiter().GetResult(), TaskCreationOptions.LongRunning));
            var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(WriteAsync));
            return Task.WhenAll(readers.Concat(writers));
        }

        public void Dispose() => _stop.Dispose();

        public void PauseWriters() => _writersPaused = true;

        public void ResumeWriters() => _writersPaused = false;

        public async Task<long> StopAsync(Task running)
        {
            await _stop.CancelAsync();
            await running;
            return Interlocked.Read(ref _calls);
        }

        /// <summary>Reads a key until it is a hit, and returns when that was.</summary>
        public async Task<TimeSpan> WaitForHitsOnAsync(string key, CacheAsideHarness<IVersioned> harness, TimeSpan within)
        {
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < within)
            {
                await cache.GetAsync(0);
                if (harness.Observer.Events.LastOrDefault(e => e.Key == key) is { Outcome: CacheOutcome.Hit })
                {
                    return Clock.Elapsed;
                }

                await Task.Delay(20);
            }

            return TimeSpan.MaxValue;
        }

        /// <summary>Counts entries older than their row, once the repairs of failed invalidations have landed.</summary>
        public async Task<int> StaleEntriesAsync(ConnectionMultiplexer admin, CacheEngine engine)
        {
            var settle = Stopwatch.StartNew();
            while (engine.PendingRepairs > 0 && settle.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }

            var stale = 0;
            var database = admin.GetDatabase();
            for (var id = 0; id < Rows; id++)
            {
                var entry = await database.StringGetAsync(engine.Keys.Build($"v:{id}"));
                if (entry.IsNull)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString((byte[])entry!);
                if (long.Parse(text[(text.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture) < source.Version(id))
                {
                    stale++;
                }
            }

            return stale;
        }

        private async Task ReadAsync(bool sync)
        {
            while (!_stop.IsCancellationRequested)
            {
                var id = Random.Shared.Next(Rows);
                var completedBefore = Volatile.Read(ref _completed[id]);
                try
                {
                    var version = sync ? cache.Get(id) : await cache.GetAsync(id);
                    if (version < completedBefore)
                    {
                        Interlocked.Increment(ref _staleReads);
                    }
                }
                catch (Exception ex)
                {
                    Failures.Enqueue(ex);
                }

                Interlocked.Increment(ref _calls);
            }
        }

        private async Task WriteAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                if (!_writersPaused)
                {
                    var id = Random.Shared.Next(Rows);
                    try
                    {
                        var watched = RecordingObserver.Watch();
                        var version = await cache.WriteAsync(id);
                        if (watched.Value?.Outcome != CacheOutcome.Invalidated)
                        {
                            // Its invalidation failed (the slot had no primary): the old entry may be served
                            // until the background repair lands, as the README's staleness bound says.
                            Interlocked.Increment(ref _unconfirmedWrites);
                        }
                        else
                        {
                            long seen;
                            while ((seen = Volatile.Read(ref _completed[id])) < version && Interlocked.CompareExchange(ref _completed[id], version, seen) != seen)
                            {
                            }
                        }
                    }
                    catch (Exception ex)
                    {
                        Failures.Enqueue(ex);
                    }

                    Interlocked.Increment(ref _calls);
                }

                await Task.Delay(5);
            }
        }
    }
}
