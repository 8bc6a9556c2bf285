using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Redis;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Leases;

/// <summary>
/// Leases under faults: a holder that died, a holder that hangs, a holder whose source throws, and Redis
/// killed, paused or refusing writes during each lease step. No caller ever fails, and no caller waits
/// longer than the bounds the options give.
/// </summary>
public sealed class LeaseFaultTests
{
    [TestCase(ReadShape.Task)]
    [TestCase(ReadShape.Sync)]
    public async Task AServerThatForgotTheScripts_IsSentThemAgain_AndLeasesWorkOn(ReadShape shape)
    {
        using var server = RedisServer.Start();
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var source = new RowSource();
        source.Commit(1, "v1");
        source.Commit(2, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        await harness.Service.Read(shape, 1);
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));

        // What a restart or a failover to a replica that never ran them does: the scripts are unknown by their SHA1.
        await admin.GetServer(server.Endpoint).ScriptFlushAsync();
        await harness.Service.Read(shape, 2);
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.None), "the lease step and the store ran");
        await harness.Service.Read(shape, 2);
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));

        await admin.GetServer(server.Endpoint).ScriptFlushAsync();
        if (shape == ReadShape.Sync)
        {
            harness.Service.Set(2, "v2");
        }
        else
        {
            await harness.Service.SetAsync(2, "v2");
        }

        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Invalidated));
        Assert.That(await harness.Service.Read(shape, 2), Is.EqualTo("v2"));
    }

    /// <summary>
    /// A script the server forgot is answered <c>NOSCRIPT</c> and sent again by its text; both within one budget.
    /// Redis is 500 ms away (250 ms each way) and the budget 750 ms: the <c>NOSCRIPT</c> comes after 500 ms, and the
    /// retry, which would need 500 ms more, has the 250 ms left — not a second budget, which would make 1,000 ms.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task AScriptTheServerForgot_IsRetriedWithinWhatIsLeftOfItsBudget_NotASecondBudget(bool sync)
    {
        var budget = TimeSpan.FromMilliseconds(750);
        using var server = RedisServer.Start();
        using var proxy = new DelayProxy(server.Port);
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(new RowSource(), proxy.Endpoint, o => o.RedisTimeout = budget);
        var store = harness.Container.Resolve<CacheEngine>().Store;
        RedisKey[] keys = [harness.Key("row:1") + ":lease"];
        RedisValue[] arguments = ["00000000deadbeef", 1000];
        Assert.That(Eventually.True(() => store.Writes.IsConnected, TimeSpan.FromSeconds(10)), Is.True, "connected through the proxy (a busy machine may need a second handshake)");
        var first = await store.ScriptAsync(LeaseScripts.Renew, keys, arguments, sync, TimeSpan.FromSeconds(5));
        Assert.That(first.IsOk, Is.True, $"run once by its text, from now on the store sends it by its SHA1: {first.Status} {first.Error}");
        await admin.GetServer(server.Endpoint).ScriptFlushAsync();
        proxy.Delay = TimeSpan.FromMilliseconds(250);

        var watch = Stopwatch.StartNew();
        var reply = await store.ScriptAsync(LeaseScripts.Renew, keys, arguments, sync, budget);
        watch.Stop();

        TestContext.Out.WriteLine($"{reply.Status} after {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.That(watch.Elapsed, Is.LessThan(budget + TimeSpan.FromMilliseconds(150)), "the NOSCRIPT and the retry share one budget");
        Assert.That(reply.IsOk, Is.False, "the retry could not be answered in what was left of the budget");
    }

    /// <summary>
    /// The deletes an invalidation falls back to when a full Redis refuses its script share the script's budget, counted
    /// from the script's send. Redis is 500 ms away and the budget 750 ms: after the script's 500 ms, the deletes, which
    /// would need 500 ms more, have the 250 ms left — not a second budget, which would make 1,000 ms.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task TheDeletesAfterARefusedScript_HaveWhatIsLeftOfItsBudget_NotASecond(bool sync)
    {
        var budget = TimeSpan.FromMilliseconds(750);
        using var server = RedisServer.Start();
        using var proxy = new DelayProxy(server.Port);
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(new RowSource(), proxy.Endpoint, o => o.RedisTimeout = budget);
        var store = harness.Container.Resolve<CacheEngine>().Store;
        RedisKey[] keys = [harness.Key("row:1"), harness.Key("row:1") + ":lease"];
        RedisValue[] arguments = ["00000000deadbeef", 1000];
        Assert.That(Eventually.True(() => store.Writes.IsConnected, TimeSpan.FromSeconds(10)), Is.True, "connected through the proxy (a busy machine may need a second handshake)");
        Assert.That((await store.ScriptAsync(LeaseScripts.Renew, keys[1..], arguments, sync, TimeSpan.FromSeconds(5))).IsOk, Is.True);
        proxy.Delay = TimeSpan.FromMilliseconds(250);

        var watch = Stopwatch.StartNew();
        var started = TimeProvider.System.GetTimestamp();
        var script = await store.ScriptAsync(LeaseScripts.Renew, keys[1..], arguments, sync, budget);
        var deleted = await store.DeletePerSlotAsync(keys, sync, budget, started);
        watch.Stop();

        TestContext.Out.WriteLine($"{script.Status}, then {deleted.Status} after {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.That(script.IsOk, Is.True);
        Assert.That(watch.Elapsed, Is.LessThan(budget + TimeSpan.FromMilliseconds(150)), "the script and the deletes share one budget");
        Assert.That(deleted.IsOk, Is.False, "the deletes could not be answered in what was left of the budget");
    }

    [Test]
    public async Task LeaseOfAHolderThatDied_ExpiresOnItsOwn_AndTheNextMissLoads()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o => o.LeaseWaitTimeout = TimeSpan.FromSeconds(10));
        var lease = harness.Key("row:1") + ":lease";
        await harness.Redis.HashSetAsync(lease, "t", "00000000deadbeef");
        await harness.Redis.KeyExpireAsync(lease, TimeSpan.FromMilliseconds(600));

        var waited = Stopwatch.StartNew();
        var value = await harness.Service.GetAsync(1);
        waited.Stop();

        Assert.That(value, Is.EqualTo("v1"));
        Assert.That(waited.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(400)).And.LessThan(TimeSpan.FromSeconds(3)), "it waited for the dead holder's lease to end, not for the wait timeout");
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.WaitedForLoader), Is.True);
        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("row:1")), Is.True, "the waiter took the lease and stored");
    }

    [Test]
    public async Task HolderThatHangs_KeepsItsLease_WaitersLoadByThemselvesAfterTheWaitTimeout()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        // The waiter's process reads the same rows from a source of its own, which no gate holds.
        var waitersSource = new RowSource();
        waitersSource.Commit(1, "v1");
        using var holder = CacheAsideHarness<IRowRepository>.Create(source, o => o.LeaseDuration = TimeSpan.FromMilliseconds(300));
        using var waiter = CacheAsideHarness<IRowRepository>.Create(waitersSource, o =>
        {
            o.KeyPrefix = holder.Prefix;
            o.LeaseWaitTimeout = TimeSpan.FromMilliseconds(400);
        });
        source.Gate.Close();
        var hung = holder.Service.GetAsync(1);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        Assert.That(await holder.Redis.KeyExistsAsync(holder.Key("row:1") + ":lease"), Is.True, "the hanging holder renewed its lease past its duration");

        var waited = Stopwatch.StartNew();
        var waitersRead = waiter.Service.Get(1);
        waited.Stop();
        source.Gate.Open();
        var holdersRead = await hung;

        Assert.That(waitersRead, Is.EqualTo("v1"));
        Assert.That(holdersRead, Is.EqualTo("v1"));
        Assert.That(waited.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(350)).And.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That(waiter.Observer.Last.Details.HasFlag(CacheEventDetails.LeaseWaitTimedOut), Is.True);
        Assert.That(holder.Observer.Last.Details.HasFlag(CacheEventDetails.StoreRefused), Is.False, "the holder kept the right to store");
        Assert.That(await holder.Redis.KeyExistsAsync(holder.Key("row:1")), Is.True);
    }

    [Test]
    public async Task HolderWhoseSourceThrows_ReleasesTheLease_AndAWaiterLoadsAtOnce()
    {
        var source = new RowSource(TimeSpan.FromMilliseconds(200));
        source.Commit(1, "v1");
        source.FailNext(1);
        using var holder = CacheAsideHarness<IRowRepository>.Create(source);
        using var waiter = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.KeyPrefix = holder.Prefix;
            o.LeaseWaitTimeout = TimeSpan.FromSeconds(10);
        });

        var failing = holder.Service.GetAsync(1);
        Assert.That(Eventually.True(() => holder.Redis.KeyExists(holder.Key("row:1") + ":lease")), Is.True);
        var waited = Stopwatch.StartNew();
        var waiting = waiter.Service.GetAsync(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.That(await waiting, Is.EqualTo("v1"));
        Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "told of the release, it did not wait out the timeout");
        Assert.That(source.Loads, Is.EqualTo(2));
    }

    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    public async Task RedisKilledWhileTheLoadRuns_TheCallerGetsTheValue_AndNothingFails(ReadShape shape)
    {
        using var server = RedisServer.Start();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint);

        source.Gate.Close();
        var read = Start(harness.Service, shape);
        Assert.That(source.Gate.WaitForArrival(), Is.True, "the lease was taken, the load runs");
        server.Kill();
        source.Gate.Open();

        Assert.That(await read, Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.StoreFailed), Is.True);
    }

    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    public async Task RedisPausedWhileTheLoadRuns_TheStoreGivesUpWithinTheBudget(ReadShape shape)
    {
        using var server = RedisServer.Start();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o => o.RedisTimeout = TimeSpan.FromMilliseconds(100));

        source.Gate.Close();
        var read = Start(harness.Service, shape);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        server.Pause();
        string? value;
        var after = Stopwatch.StartNew();
        try
        {
            source.Gate.Open();
            value = await read;
            after.Stop();
        }
        finally
        {
            server.Resume();
        }

        Assert.That(value, Is.EqualTo("v1"));
        Assert.That(after.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "the store waited at most the budget");
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.StoreFailed), Is.True);
    }

    [TestCase(ReadShape.Sync)]
    [TestCase(ReadShape.Task)]
    public async Task RedisPausingWrites_TheLeaseStepGivesUp_WithinTheBudget_AndHitsGoOn(ReadShape shape)
    {
        using var server = RedisServer.Start();
        var source = new RowSource();
        source.Commit(1, "v1");
        source.Commit(2, "w1");
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o => o.RedisTimeout = TimeSpan.FromMilliseconds(100));
        await harness.Service.GetAsync(2);
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");

        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "2000", "WRITE");
        var missed = Stopwatch.StartNew();
        var miss = await Start(harness.Service, shape);
        missed.Stop();
        var hit = await harness.Service.Read(shape, 2);
        await admin.GetDatabase().ExecuteAsync("CLIENT", "UNPAUSE");

        Assert.That(miss, Is.EqualTo("v1"));
        Assert.That(missed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "the lease step gave up within the budget");
        Assert.That(hit, Is.EqualTo("w1"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit), "reads are not queued behind the paused write");
    }

    [Test]
    public async Task RedisKilledWhileACallerWaitsForAnotherContainersLoad_TheWaiterLoadsByItself()
    {
        using var server = RedisServer.Start();
        var source = new RowSource();
        source.Commit(1, "v1");
        using var holder = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint);
        using var waiter = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o =>
        {
            o.KeyPrefix = holder.Prefix;
            o.LeaseWaitTimeout = TimeSpan.FromSeconds(10);
        });
        source.Gate.Close();
        var held = holder.Service.GetAsync(1);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        var waiting = waiter.Service.GetAsync(1);
        await Task.Delay(TimeSpan.FromMilliseconds(100));

        server.Kill();
        source.Gate.Open();
        var waitersRead = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(waitersRead, Is.EqualTo("v1"));
        Assert.That(await held, Is.EqualTo("v1"));
        Assert.That(waiter.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Bypass));
    }

    private static Task<string?> Start(IRowRepository repository, ReadShape shape) => shape == ReadShape.Sync
        ? Task.Factory.StartNew(() => repository.Get(1), TaskCreationOptions.LongRunning)
        : repository.Read(shape);
}
