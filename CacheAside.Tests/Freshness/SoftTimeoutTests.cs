using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Freshness;

/// <summary>
/// The soft timeout: a caller with a fail-safe fallback waits for a hanging source only so long, then gets
/// the fallback; the load goes on in the background and stores its late result under its lease.
/// </summary>
public sealed class SoftTimeoutTests
{
    [Test]
    public async Task AHangingSource_AnswersWithTheFallbackWithinTheTimeout_AndTheLateResultIsStored([Values] ReadShape shape)
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var stale = new MetricCapture(CacheAsideDiagnostics.StaleServed);
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.SourceSoftTimeout = TimeSpan.FromMilliseconds(200);
        });
        var key = harness.Key("row:1");
        await harness.Service.Read(shape, 1);
        clock.Offset = TimeSpan.FromSeconds(61);
        source.Commit(1, "v2");
        source.Gate.Close();

        var call = Task.Run(() => harness.Service.Read(shape, 1));

        Assert.That(call.Wait(TimeSpan.FromSeconds(10)), Is.True, "the caller was answered while the source still hung");
        Assert.That(call.Result, Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.Stale | CacheEventDetails.SoftTimedOut));
        Assert.That(harness.Observer.Last.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)), "it waited for the soft timeout first");
        Assert.That(stale.Count(CacheAsideDiagnostics.ReasonTag, "soft_timeout"), Is.EqualTo(1));

        source.Gate.Open();
        Assert.That(Eventually.True(() => EntryHeader.Read(harness.Redis, key) is { Json: "\"v2\"", ExpiredAtMs: 0 }), Is.True, "the late load stored its result");
        Assert.That(await harness.Service.Read(shape, 1), Is.EqualTo("v2"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(source.Loads, Is.EqualTo(2));
    }

    /// <summary>
    /// A caller answered from its fallback at the soft timeout leaves its load behind; a load that then cannot hold the
    /// lease — another process holds it past the lease wait, or Redis does not answer the lease step — could store
    /// nothing, and nobody waits for it any more: it gives up rather than call the source for nobody.
    /// </summary>
    [Test]
    public async Task ALoadEveryCallerLeftAtTheSoftTimeout_GivesUpWithoutCallingTheSource_WhenItCannotHoldTheLease(
        [Values] ReadShape shape, [Values("held_elsewhere", "writes_paused")] string trouble)
    {
        using var server = RedisServer.Start();
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, server.Endpoint, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.SourceSoftTimeout = TimeSpan.FromMilliseconds(50);
            o.LeaseWaitTimeout = TimeSpan.FromMilliseconds(400);
            o.RedisTimeout = TimeSpan.FromMilliseconds(400);
            o.EarlyRefreshBeta = 0;
        });
        var engine = harness.Container.Resolve<Interception.Internal.Engine.CacheEngine>();
        var key = harness.Key("row:1");
        await harness.Service.Read(shape, 1);
        clock.Offset = TimeSpan.FromSeconds(61);
        if (trouble == "held_elsewhere")
        {
            await admin.GetDatabase().HashSetAsync(key + ":lease", "t", "00000000deadbeef");
            await admin.GetDatabase().KeyExpireAsync(key + ":lease", TimeSpan.FromSeconds(30));
        }
        else
        {
            // Reads are answered, writes and scripts held: the caller's GET finds its fallback, its lease step times out.
            await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "5000", "WRITE");
        }

        Assert.That(await harness.Service.Read(shape, 1), Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.SoftTimedOut), Is.True);
        Assert.That(Eventually.True(() => engine.Waiting(key, shape == ReadShape.Sync) == 0), Is.True, "the load left behind ended");
        await admin.GetDatabase().ExecuteAsync("CLIENT", "UNPAUSE");

        Assert.That(source.Loads, Is.EqualTo(1), "the load held no lease, so it could not store, and its only caller had its answer: no source call");
    }

    [Test]
    public async Task TheSoftTimeout_RunsOnTheConfiguredClock([Values] ReadShape shape)
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var softTimeout = TimeSpan.FromSeconds(30);
        var clock = new SkippingClock(softTimeout);
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.SourceSoftTimeout = softTimeout;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var key = harness.Key("row:1");
        await harness.Service.Read(shape, 1);
        clock.Offset = TimeSpan.FromSeconds(61);
        source.Commit(1, "v2");
        source.Gate.Close();

        var call = Task.Run(() => harness.Service.Read(shape, 1));

        Assert.That(call.Wait(TimeSpan.FromSeconds(10)), Is.True, "the caller waited out the soft timeout in real time, not on the configured clock, where it had passed");
        Assert.That(call.Result, Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.Stale | CacheEventDetails.SoftTimedOut));

        source.Gate.Open();
        Assert.That(Eventually.True(() => EntryHeader.Read(harness.Redis, key) is { Json: "\"v2\"" }), Is.True, "the late load stored its result");
    }

    [Test]
    public async Task WithoutAFallback_ACallerWaitsForTheSource()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.FailSafeWindow = TimeSpan.FromSeconds(60);
            o.SourceSoftTimeout = TimeSpan.FromMilliseconds(100);
        });
        source.Gate.Close();

        var call = harness.Service.GetAsync(1);
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        await Task.Delay(300);
        Assert.That(call.IsCompleted, Is.False, "nothing to answer with: the caller waits");

        source.Gate.Open();
        Assert.That(await call, Is.EqualTo("v1"));
    }

    [Test]
    public async Task PerMethod_SoftTimeout_AnswersFromTheFallback()
    {
        var feed = new PriceFeed();
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<IPriceFeed>.Create(feed, o => o.TimeProvider = clock);
        await harness.Service.PriceAsync("ACME");
        clock.Offset = TimeSpan.FromSeconds(61);
        feed.Price = 101m;
        var hang = new TaskCompletionSource();
        using var slow = new SlowFeed(feed, hang.Task);
        using var slowHarness = CacheAsideHarness<IPriceFeed>.Create(slow, o =>
        {
            o.TimeProvider = clock;
            o.KeyPrefix = harness.Prefix;
        });

        Assert.That(await slowHarness.Service.PriceAsync("ACME"), Is.EqualTo(100m));
        Assert.That(slowHarness.Observer.Last.Details.HasFlag(CacheEventDetails.SoftTimedOut), Is.True);
        hang.SetResult();
        Assert.That(Eventually.True(() => EntryHeader.Read(harness.Redis, harness.Key("price:ACME"))?.Json == "101"), Is.True);
    }

    /// <summary>
    /// A shifted wall clock (as <see cref="ShiftedClock"/>) on which a wait of <c>skipped</c> is over at once: a soft
    /// timeout of that length passes on it without the test waiting for it. Every other timer keeps real time.
    /// </summary>
    private sealed class SkippingClock(TimeSpan skipped) : TimeProvider
    {
        private long _offsetTicks;

        public TimeSpan Offset
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
            set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, dueTime == skipped ? TimeSpan.Zero : dueTime, period);
    }

    /// <summary>The feed, answering only once <c>release</c> completes.</summary>
    private sealed class SlowFeed(PriceFeed inner, Task release) : IPriceFeed, IDisposable
    {
        public async Task<decimal> PriceAsync(string symbol)
        {
            await release;
            return await inner.PriceAsync(symbol);
        }

        public Task<long> VolumeAsync(string symbol) => inner.VolumeAsync(symbol);

        public void Dispose()
        {
        }
    }
}
