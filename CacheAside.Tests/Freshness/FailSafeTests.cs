using System.Runtime.CompilerServices;
using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Freshness;

/// <summary>
/// Fail-safe on real Redis: past its time to live an entry is kept for the window, and when the source then
/// throws, the caller gets the last value, flagged stale — never a value past the window, never one an
/// invalidation removed; without a value the source's exception reaches the caller unchanged. The wall clock
/// is shifted (<see cref="ShiftedClock"/>) past expiry, while Redis keeps the entry in real time.
/// </summary>
public sealed class FailSafeTests
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(60);

    [Test]
    public async Task SourceThrowsAfterExpiry_TheLastValueIsServedFlaggedStale_AndKeptForTheThrottle([Values] ReadShape shape)
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var stale = new MetricCapture(CacheAsideDiagnostics.StaleServed);
        using var harness = Create(source, clock);
        var key = harness.Key("row:1");
        await harness.Service.Read(shape, 1);
        Assert.That(harness.Redis.KeyTimeToLive(key), Is.GreaterThan(TimeSpan.FromSeconds(100)), "the entry lives its time to live and the window");

        clock.Offset = TimeSpan.FromSeconds(61);
        source.Commit(1, "v2");
        source.FailNext(1);
        var served = await harness.Service.Read(shape, 1);

        Assert.That(served, Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.Stale | CacheEventDetails.TargetFailed));
        Assert.That(stale.Count(CacheAsideDiagnostics.ReasonTag, "source_failed"), Is.EqualTo(1));
        Assert.That(source.Loads, Is.EqualTo(2));

        Assert.That(Eventually.True(() => EntryHeader.Read(harness.Redis, key)?.ExpiredAtMs != 0), Is.True, "the loader kept the fallback for the throttle");
        Assert.That(await harness.Service.Read(shape, 1), Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.Stale), "a hit on the kept fallback is flagged stale too");
        Assert.That(source.Loads, Is.EqualTo(2), "within the throttle the failing source is not asked again");

        clock.Offset = TimeSpan.FromSeconds(63);
        Assert.That(await harness.Service.Read(shape, 1), Is.EqualTo("v2"), "after the throttle the source is asked, and it answers again");
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
        Assert.That(EntryHeader.Read(harness.Redis, key)!.ExpiredAtMs, Is.Zero);
    }

    [Test]
    public async Task SourceThrowsWithNoValueStored_TheExceptionReachesTheCaller()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        source.FailNext(1);
        using var harness = Create(source, new ShiftedClock());

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Service.GetAsync(1));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.Stale), Is.False);
    }

    [Test]
    public async Task AnInvalidation_RemovesTheFallback()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = Create(source, clock);
        await harness.Service.GetAsync(1);

        await harness.Service.SetAsync(1, "v2");
        clock.Offset = TimeSpan.FromSeconds(61);
        source.FailNext(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Service.GetAsync(1), "v1 was invalidated: it is never served again");
    }

    [Test]
    public async Task TheWindow_BoundsTheAgeOfAServedValue()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = Create(source, clock);
        await harness.Service.GetAsync(1);

        clock.Offset = TimeSpan.FromSeconds(60) + s_window + TimeSpan.FromSeconds(1);
        source.FailNext(1);

        Assert.That(await harness.Redis.KeyExistsAsync(harness.Key("row:1")), Is.True, "Redis still holds it");
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Service.GetAsync(1), "loaded more than the time to live and the window ago: never served");
    }

    [Test]
    public async Task CallersSharingAFailedLoad_EachGetTheValueTheirOwnReadFound()
    {
        var source = new RowSource(TimeSpan.FromMilliseconds(50));
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = Create(source, clock);
        await harness.Service.GetAsync(1);
        clock.Offset = TimeSpan.FromSeconds(61);
        source.FailNext(1);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => harness.Service.GetAsync(1))));

        Assert.That(results, Is.All.EqualTo("v1"));
        Assert.That(source.Loads, Is.EqualTo(2), "one load for all twenty, which failed");
    }

    [Test]
    public async Task FailSafeIsOff_TheSourcesExceptionReachesTheCallerAfterExpiry()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o => o.TimeProvider = clock);
        await harness.Service.GetAsync(1);
        Assert.That(harness.Redis.KeyTimeToLive(harness.Key("row:1")), Is.LessThanOrEqualTo(TimeSpan.FromSeconds(60)), "without fail-safe an entry lives its time to live");
        await harness.Redis.KeyDeleteAsync(harness.Key("row:1"));
        source.FailNext(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Service.GetAsync(1));
    }

    [Test]
    public async Task PerMethod_FailSafeAppliesToTheMethodThatAsksForIt()
    {
        var feed = new PriceFeed();
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<IPriceFeed>.Create(feed, o => o.TimeProvider = clock);
        await harness.Service.PriceAsync("ACME");
        await harness.Service.VolumeAsync("ACME");
        Assert.That(harness.Redis.KeyTimeToLive(harness.Key("price:ACME")), Is.GreaterThan(TimeSpan.FromSeconds(300)));

        feed.Down = true;
        clock.Offset = TimeSpan.FromSeconds(61);
        await harness.Redis.KeyDeleteAsync(harness.Key("volume:ACME"));

        Assert.That(await harness.Service.PriceAsync("ACME"), Is.EqualTo(100m));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.Stale), Is.True);
        await Assert.ThrowsAsync<TimeoutException>(() => harness.Service.VolumeAsync("ACME"));
    }

    [Test]
    public async Task ALoadThatFailsUnderALeaseTakenAfterAnInvalidation_DoesNotWriteTheInvalidatedValueBack()
    {
        // Two processes, one database: each container reads through a source of its own holding the same rows.
        var first = new RowSource();
        var second = new RowSource();
        first.Commit(1, "v1");
        second.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var one = CacheAsideHarness<IRowRepository>.Create(first, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = s_window;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        using var two = CacheAsideHarness<IRowRepository>.Create(second, o =>
        {
            o.KeyPrefix = one.Prefix;
            o.TimeProvider = clock;
            o.FailSafeWindow = s_window;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var key = one.Key("row:1");
        await one.Service.GetAsync(1);
        clock.Offset = TimeSpan.FromSeconds(61);

        first.Gate.Close();
        var holding = one.Service.GetAsync(1);
        Assert.That(first.Gate.WaitForArrival(), Is.True, "the first container holds the lease, its load held");
        second.FailNext(1);
        var failing = two.Service.GetAsync(1);
        Assert.That(Eventually.True(() => one.Redis.HashExists(key + ":lease", "w")), Is.True, "the second container, which read v1 past its time to live, waits");

        second.Commit(1, "v2");
        await one.Service.SetAsync(1, "v2");

        Assert.That(await failing, Is.EqualTo("v1"), "a call that began before the write may still be answered with what its own read found");
        Assert.That(Eventually.True(() => !one.Redis.KeyExists(key + ":lease")), Is.True);
        Assert.That(await two.Service.GetAsync(1), Is.EqualTo("v2"), "after the invalidation completed, v1 is never served again");
        Assert.That(two.Observer.Last.Details.HasFlag(CacheEventDetails.Stale), Is.False);
        first.Gate.Open();
        await holding;
    }

    [Test]
    public async Task ACallerThatWaitedForAFailedLoadInAnotherContainer_IsAnsweredFromTheKeptFallback_FlaggedStale([Values] ReadShape shape)
    {
        // Two processes, one database: each container reads through a source of its own holding the same rows.
        var first = new RowSource();
        var second = new RowSource();
        first.Commit(1, "v1");
        second.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var one = Create(first, clock);
        using var two = CacheAsideHarness<IRowRepository>.Create(second, o =>
        {
            o.KeyPrefix = one.Prefix;
            o.TimeProvider = clock;
            o.FailSafeWindow = s_window;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var key = one.Key("row:1");
        await one.Service.Read(shape, 1);
        clock.Offset = TimeSpan.FromSeconds(61);

        first.Gate.Close();
        first.FailNext(1);
        var holding = shape.Start(() => one.Service.Read(shape, 1));
        Assert.That(first.Gate.WaitForArrival(), Is.True, "the first container holds the lease, its load held");
        using var stale = new MetricCapture(CacheAsideDiagnostics.StaleServed);
        var waiting = shape.Start(() => two.Service.Read(shape, 1));
        Assert.That(Eventually.True(() => one.Redis.HashExists(key + ":lease", "w")), Is.True, "the second container waits for the first's load");

        first.Gate.Open();
        Assert.That(await holding, Is.EqualTo("v1"));
        Assert.That(one.Observer.Last.Details, Is.EqualTo(CacheEventDetails.Stale | CacheEventDetails.TargetFailed));
        Assert.That(await waiting, Is.EqualTo("v1"));

        Assert.That(second.Loads, Is.Zero, "the failing source is asked once per throttle, across containers");
        Assert.That(EntryHeader.Read(one.Redis, key)?.ExpiredAtMs, Is.Not.Zero, "what the second container was answered with is the kept fallback");
        Assert.That(two.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(two.Observer.Last.Details, Is.EqualTo(CacheEventDetails.Stale | CacheEventDetails.WaitedForLoader), "a value past its time to live is flagged stale, however the caller came by it");
        Assert.That(stale.Count(CacheAsideDiagnostics.ReasonTag, "source_failed"), Is.EqualTo(2), "both answers were stale");
    }

    [Test]
    public async Task AMissThatReadTheExpiredEntryJustBeforeAnotherLoadStoredTheNewOne_TakesTheNewOne_WithoutLoadingAgain([Values] ReadShape shape)
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new HoldingClock();
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = s_window;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        await harness.Service.Read(shape, 1);
        source.Commit(1, "v2");
        clock.Offset = TimeSpan.FromSeconds(61);

        // This caller's GET reads v1's entry, past its time to live, and is held before it goes to the load.
        var late = shape.Start(() =>
        {
            HoldingClock.HoldNextRead();
            return harness.Service.Read(shape, 1);
        });
        Assert.That(clock.Arrived.Wait(TimeSpan.FromSeconds(10)), Is.True);

        // Meanwhile another caller loads the key and stores v2.
        Assert.That(await harness.Service.Read(shape, 1), Is.EqualTo("v2"));
        Assert.That(source.Loads, Is.EqualTo(2));

        clock.Release.Set();
        Assert.That(await late, Is.EqualTo("v2"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit), "the lease step handed it the entry stored since its GET");
        Assert.That(source.Loads, Is.EqualTo(2), "one load per expiry: the key was loaded since this caller's GET, and is not loaded again");
    }

    [Test]
    public async Task AMissThatReadTheExpiredEntryJustBeforeAFailedLoadKeptIt_IsAnsweredFromTheKeptFallback_WithoutAskingTheSource([Values] ReadShape shape)
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new HoldingClock();
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = s_window;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var key = harness.Key("row:1");
        await harness.Service.Read(shape, 1);
        clock.Offset = TimeSpan.FromSeconds(61);
        source.FailNext(100);

        var late = shape.Start(() =>
        {
            HoldingClock.HoldNextRead();
            return harness.Service.Read(shape, 1);
        });
        Assert.That(clock.Arrived.Wait(TimeSpan.FromSeconds(10)), Is.True, "this caller's GET read v1 past its time to live");

        Assert.That(await harness.Service.Read(shape, 1), Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.Stale | CacheEventDetails.TargetFailed));
        Assert.That(Eventually.True(() => EntryHeader.Read(harness.Redis, key)?.ExpiredAtMs != 0), Is.True, "the failed load kept the fallback for the throttle");
        Assert.That(source.Loads, Is.EqualTo(2));

        clock.Release.Set();
        Assert.That(await late, Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.Stale), Is.True);
        Assert.That(source.Loads, Is.EqualTo(2), "within the throttle the failing source is not asked again");
    }

    [Test]
    public async Task AKeptFallback_IsNotRefreshedEarly_SoAFailingSourceIsAskedOncePerThrottle()
    {
        var source = new RowSource(TimeSpan.FromMilliseconds(100));
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = Create(source, clock);
        var engine = harness.Container.Resolve<CacheEngine>();
        var key = harness.Key("row:1");
        await harness.Service.GetAsync(1);
        clock.Offset = TimeSpan.FromSeconds(61);
        source.FailNext(100);
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"));
        Assert.That(Eventually.True(() => EntryHeader.Read(harness.Redis, key)?.ExpiredAtMs != 0), Is.True, "the fallback was kept for the throttle");
        var loads = source.Loads;

        // Every draw now says "refresh": Δ (100 ms) · −ln(1e-12) ≈ 2.8 s reaches past the one-second throttle.
        engine.NextRandom = () => 1 - 1e-12;
        for (var i = 0; i < 10; i++)
        {
            Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"));
            Assert.That(harness.Observer.Last.Details, Is.EqualTo(CacheEventDetails.Stale));
        }

        Assert.That(engine.Refreshing(key), Is.False);
        Assert.That(source.Loads, Is.EqualTo(loads), "within the throttle the failing source is not asked, not even by an early refresh");
    }

    /// <summary>
    /// A shifted wall clock (as <see cref="ShiftedClock"/>) that holds the first reading of it made by a flow
    /// that asked for it: in a read, the moment its <c>GET</c> has answered and the entry's freshness is judged.
    /// </summary>
    private sealed class HoldingClock : TimeProvider
    {
        private static readonly AsyncLocal<StrongBox<bool>?> s_hold = new();
        private long _offsetTicks;

        public TimeSpan Offset
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
            set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }

        public ManualResetEventSlim Arrived { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public static void HoldNextRead() => s_hold.Value = new StrongBox<bool>(true);

        public override DateTimeOffset GetUtcNow()
        {
            if (s_hold.Value is { Value: true } hold)
            {
                hold.Value = false;
                Arrived.Set();
                Release.Wait(TimeSpan.FromSeconds(30));
            }

            return base.GetUtcNow() + Offset;
        }
    }

    private static CacheAsideHarness<IRowRepository> Create(RowSource source, ShiftedClock clock) =>
        CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.FailSafeWindow = s_window;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
}
