using System.Diagnostics;
using System.Globalization;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Leases;

/// <summary>
/// The lease invariant across a failover: Redis replicates asynchronously, so a delete the primary acknowledged may not
/// be on its replica when the primary dies. An invalidation on a primary with replicas completes once a replica has it
/// (<c>WAIT</c>), or says that none acknowledged it; one on a node without replicas sends no <c>WAIT</c>. The replica
/// replicates through a <see cref="DelayProxy"/>, which holds its stream back as a slow link would, and which, disposed,
/// drops what it holds, as the death of the primary does to what it had not sent.
/// </summary>
public sealed class ReplicatedInvalidationTests
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(1);

    [TestCase(false)]
    [TestCase(true)]
    public async Task AnInvalidation_IsOnTheReplicaBeforeTheWriteReturns_SoTheReplicaPromotedAfterIt_ServesNoOldValue(bool sync)
    {
        using var pair = await ReplicatedPair.StartAsync();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, pair.Primary.Endpoint, o => o.RedisTimeout = s_budget);
        await harness.Service.GetAsync(1);
        Assert.That(Eventually.True(() => pair.ReplicaHas(harness.Key("row:1"))), Is.True, "the entry reached the replica");
        pair.Link.Delay = TimeSpan.FromMilliseconds(100);

        source.Commit(1, "v2");
        await Write(harness.Service, sync, 1, "v2");
        var written = harness.Observer.Last;
        pair.PrimaryDies();

        using var promoted = CacheAsideHarness<IRowRepository>.CreateConnecting(source, pair.Replica.Endpoint, o =>
        {
            o.RedisTimeout = s_budget;
            o.KeyPrefix = harness.Prefix;
        });
        var read = await promoted.Service.GetAsync(1);
        Assert.That(written.Outcome, Is.EqualTo(CacheOutcome.Invalidated));
        Assert.That(written.Details, Is.EqualTo(CacheEventDetails.None), "a replica acknowledged the delete");
        Assert.That(read, Is.EqualTo("v2"), "the promoted replica served the value the invalidation deleted");
        Assert.That(promoted.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
    }

    /// <summary>
    /// A primary that forgot the scripts (as one does after a restart) answers the first send <c>NOSCRIPT</c>, and the
    /// script is sent again by its text — behind the <c>WAIT</c> that followed the first send. The delete it runs is
    /// waited for too: a second <c>WAIT</c> follows it.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task AnInvalidationSentAgainByItsText_IsWaitedForAfterIt(bool sync)
    {
        using var pair = await ReplicatedPair.StartAsync();
        using var admin = await ConnectionMultiplexer.ConnectAsync(pair.Primary.Endpoint + ",allowAdmin=true");
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, pair.Primary.Endpoint, o => o.RedisTimeout = s_budget);
        await Write(harness.Service, sync, 1, "v1");
        await harness.Service.GetAsync(1);
        Assert.That(Eventually.True(() => pair.ReplicaHas(harness.Key("row:1"))), Is.True, "the entry reached the replica");
        await admin.GetServer(pair.Primary.Endpoint).ScriptFlushAsync();
        pair.Link.Delay = TimeSpan.FromMilliseconds(100);

        source.Commit(1, "v2");
        await Write(harness.Service, sync, 1, "v2");
        var written = harness.Observer.Last;
        pair.PrimaryDies();

        Assert.That(written.Outcome, Is.EqualTo(CacheOutcome.Invalidated));
        Assert.That(written.Details, Is.EqualTo(CacheEventDetails.None), "a replica acknowledged the delete");
        Assert.That(pair.ReplicaHas(harness.Key("row:1")), Is.False, "the promoted replica has the delete");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AnInvalidationNoReplicaAcknowledges_SaysSo_WithinTheBudget_AndIsRepairedOnceOneDoes(bool sync)
    {
        using var pair = await ReplicatedPair.StartAsync();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, pair.Primary.Endpoint, o => o.RedisTimeout = s_budget);
        await harness.Service.GetAsync(1);
        Assert.That(Eventually.True(() => pair.ReplicaHas(harness.Key("row:1"))), Is.True, "the entry reached the replica");
        await Write(harness.Service, sync, 1, "v1");
        pair.Link.Stall();

        source.Commit(1, "v2");
        var watch = Stopwatch.StartNew();
        await Write(harness.Service, sync, 1, "v2");
        watch.Stop();

        TestContext.Out.WriteLine($"the write waited {watch.ElapsedMilliseconds} ms for a replica that never answered");
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Invalidated), "deleted on the primary");
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.NotReplicated));
        Assert.That(watch.Elapsed, Is.LessThan(s_budget), "one budget for the invalidation");
        Assert.That(harness.Logs.AllText, Does.Contain("no replica acknowledged it"));
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v2"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss), "Redis answered: the breaker is closed");

        var engine = harness.Container.Resolve<CacheEngine>();
        Assert.That(engine.PendingRepairs, Is.EqualTo(1), "invalidated again until a replica acknowledges it");
        pair.Link.Flow();
        Assert.That(Eventually.True(() => engine.PendingRepairs == 0, TimeSpan.FromSeconds(15)), Is.True, "repaired once the replica answered");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AnInvalidationOnANodeWithoutReplicas_SendsNoWait(bool sync)
    {
        using var server = RedisServer.Start();
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var source = new RowSource();
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o => o.RedisTimeout = s_budget);
        await admin.GetServer(server.Endpoint).ExecuteAsync("CONFIG", "RESETSTAT");

        for (var i = 0; i < 5; i++)
        {
            await Write(harness.Service, sync, 1, "v" + i);
            Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Invalidated));
            Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.None));
        }

        var stats = await CommandStats(admin.GetServer(server.Endpoint));
        Assert.That(stats.GetValueOrDefault("wait"), Is.EqualTo(0), () => "no WAIT: " + string.Join(", ", stats));
        Assert.That(stats.GetValueOrDefault("evalsha") + stats.GetValueOrDefault("eval"), Is.EqualTo(5), () => "one script per write: " + string.Join(", ", stats));
        Assert.That(stats.GetValueOrDefault("role"), Is.InRange(1, 2), () => "the node was asked about its replicas once a second, not per write: " + string.Join(", ", stats));
    }

    private static Task Write(IRowRepository repository, bool sync, int id, string value)
    {
        if (!sync)
        {
            return repository.SetAsync(id, value);
        }

        repository.Set(id, value);
        return Task.CompletedTask;
    }

    /// <summary>Calls per command since the statistics were reset, from <c>INFO commandstats</c>.</summary>
    private static async Task<Dictionary<string, long>> CommandStats(IServer server)
    {
        var info = await server.InfoAsync("commandstats");
        var stats = new Dictionary<string, long>();
        foreach (var entry in info.SelectMany(g => g))
        {
            var name = entry.Key.Replace("cmdstat_", string.Empty, StringComparison.Ordinal);
            stats[name] = long.Parse(entry.Value.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture);
        }

        return stats;
    }

    /// <summary>A primary and its replica, which replicates through <see cref="Link"/>.</summary>
    private sealed class ReplicatedPair : IDisposable
    {
        private readonly ConnectionMultiplexer _replicaAdmin;
        private bool _primaryDead;

        private ReplicatedPair(RedisServer primary, DelayProxy link, RedisServer replica, ConnectionMultiplexer replicaAdmin)
        {
            Primary = primary;
            Link = link;
            Replica = replica;
            _replicaAdmin = replicaAdmin;
        }

        public RedisServer Primary { get; }

        public DelayProxy Link { get; }

        public RedisServer Replica { get; }

        public static async Task<ReplicatedPair> StartAsync()
        {
            var primary = RedisServer.Start();
            var link = new DelayProxy(primary.Port);
            var replica = RedisServer.Start("--replicaof", "127.0.0.1", link.Port.ToString(CultureInfo.InvariantCulture));
            var admin = await ConnectionMultiplexer.ConnectAsync(replica.Endpoint + ",allowAdmin=true");
            var pair = new ReplicatedPair(primary, link, replica, admin);
            var linked = Eventually.True(() => admin.GetServer(replica.Endpoint).Execute("INFO", "replication").ToString().Contains("master_link_status:up", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            Assert.That(linked, Is.True, "the replica synchronised with its primary");
            return pair;
        }

        public bool ReplicaHas(string key) => _replicaAdmin.GetDatabase().KeyExists(key);

        /// <summary>
        /// The primary dies with whatever the link still holds unsent, and its replica is promoted (<c>REPLICAOF NO ONE</c>),
        /// as Sentinel or the cluster would do.
        /// </summary>
        public void PrimaryDies()
        {
            _primaryDead = true;
            Link.Dispose();
            Primary.Kill();
            _replicaAdmin.GetServer(Replica.Endpoint).Execute("REPLICAOF", "NO", "ONE");
        }

        public void Dispose()
        {
            _replicaAdmin.Dispose();
            Replica.Dispose();
            if (!_primaryDead)
            {
                Link.Dispose();
            }

            Primary.Dispose();
        }
    }
}
