using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Freshness;

/// <summary>
/// Early refresh on real Redis: a hit close to its entry's expiry is answered from the entry at once and
/// starts one background load under the entry's lease, whose result replaces the entry — once per key
/// across containers, never waited for, and never stored past an invalidation. The wall clock is shifted
/// (<see cref="ShiftedClock"/>) to stand close to expiry without waiting for it.
/// </summary>
public sealed class EarlyRefreshTests
{
    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(20);

    [Test]
    public async Task AHitCloseToExpiry_IsAnsweredAtOnce_AndItsBackgroundRefreshReplacesTheEntry([Values] ReadShape shape)
    {
        var source = new RowSource(s_latency);
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var refreshes = new MetricCapture(CacheAsideDiagnostics.Refreshes);
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;

            // Timing is not the subject: a refresh's store that outlived the 50 ms default on a loaded machine counted as not stored.
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var key = harness.Key("row:1");
        Assert.That(await harness.Service.Read(shape, 1), Is.EqualTo("v1"));
        var stored = EntryHeader.Read(harness.Redis, key)!;
        Assert.That(stored.LoadMs, Is.GreaterThanOrEqualTo(1), "the entry records how long its load took");

        source.Commit(1, "v2");
        source.Gate.Close();
        StandJustBeforeExpiry(clock, stored, harness.Container.Resolve<CacheEngine>());
        var hit = Task.Run(() => harness.Service.Read(shape, 1));

        Assert.That(hit.Wait(TimeSpan.FromSeconds(10)), Is.True, "the hit did not wait for the refresh, held at the gate");
        Assert.That(hit.Result, Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.RefreshStarted), Is.True);
        Assert.That(source.Gate.WaitForArrival(), Is.True, "the refresh called the source");

        source.Gate.Open();
        Assert.That(Eventually.True(() => EntryHeader.Read(harness.Redis, key)?.Json == "\"v2\""), Is.True, "the refreshed value replaced the entry");
        Assert.That(Eventually.True(() => refreshes.Count(CacheAsideDiagnostics.RefreshResultTag, "stored") == 1), Is.True);
        Assert.That(await harness.Service.Read(shape, 1), Is.EqualTo("v2"));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.RefreshStarted), Is.False, "the new entry is fresh for its whole time to live again");
        Assert.That(source.Loads, Is.EqualTo(2));
    }

    [Test]
    public async Task TheRule_DecidesWithTheEntrysOwnLoadTime()
    {
        var source = new RowSource(TimeSpan.FromMilliseconds(100));
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o => o.TimeProvider = clock);
        var engine = harness.Container.Resolve<CacheEngine>();
        await harness.Service.GetAsync(1);
        var stored = EntryHeader.Read(harness.Redis, harness.Key("row:1"))!;

        // One second before expiry: −ln(1 − 0) = 0 never reaches it; −ln(1e-9) · Δ ≈ 20.7 · 100 ms does.
        clock.Offset = TimeSpan.FromMilliseconds(stored.FreshUntilMs - stored.LoadedAtMs - 1000);
        engine.NextRandom = () => 0;
        await harness.Service.GetAsync(1);
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.RefreshStarted), Is.False);

        engine.NextRandom = () => 1 - 1e-9;
        await harness.Service.GetAsync(1);
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.RefreshStarted), Is.True);
        Assert.That(Eventually.True(() => source.Loads == 2 && !engine.Refreshing(harness.Key("row:1"))), Is.True);
    }

    [Test]
    public async Task ManyHitsInTwoContainers_RefreshTheKeyOnce()
    {
        var source = new RowSource(s_latency);
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var refreshes = new MetricCapture(CacheAsideDiagnostics.Refreshes);
        // Forty callers on a busy machine: a GET past the default 50 ms would bypass to the held source, and this counts loads.
        using var first = CacheAsideHarness<IRowRepository>.CreateConnecting(source, SharedRedis.EndpointsOf(Topology.Single), o =>
        {
            o.TimeProvider = clock;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        using var second = CacheAsideHarness<IRowRepository>.CreateConnecting(source, SharedRedis.EndpointsOf(Topology.Single), o =>
        {
            o.KeyPrefix = first.Prefix;
            o.TimeProvider = clock;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        await first.Service.GetAsync(1);
        var stored = EntryHeader.Read(first.Redis, first.Key("row:1"))!;
        source.Gate.Close();
        StandJustBeforeExpiry(clock, stored, first.Container.Resolve<CacheEngine>(), second.Container.Resolve<CacheEngine>());

        var hits = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).Service.GetAsync(1))));

        Assert.That(hits, Is.All.EqualTo("v1"), "every hit was answered from the entry while the refresh was held");
        Assert.That(source.Gate.WaitForArrival(), Is.True);
        Assert.That(Eventually.True(() => refreshes.Count(CacheAsideDiagnostics.RefreshResultTag, "busy") >= 1), Is.True, "the container without the lease gave its refresh up");
        source.Gate.Open();
        Assert.That(Eventually.True(() => refreshes.Count(CacheAsideDiagnostics.RefreshResultTag, "stored") == 1), Is.True);
        Assert.That(source.Loads, Is.EqualTo(2), "the first load and one refresh, across both containers");
    }

    [Test]
    public async Task AHitThatReadTheEntryBeforeAnotherContainersRefreshStored_DoesNotLoadTheKeyAgain([Values] ReadShape shape)
    {
        var source = new RowSource(TimeSpan.FromMilliseconds(100));
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var refreshes = new MetricCapture(CacheAsideDiagnostics.Refreshes);
        // Connections of their own, as two processes have: the hit held at its draw holds nothing of the other's.
        using var first = CacheAsideHarness<IRowRepository>.CreateConnecting(source, SharedRedis.EndpointsOf(Topology.Single), o =>
        {
            o.TimeProvider = clock;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        using var second = CacheAsideHarness<IRowRepository>.CreateConnecting(source, SharedRedis.EndpointsOf(Topology.Single), o =>
        {
            o.KeyPrefix = first.Prefix;
            o.TimeProvider = clock;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var firstEngine = first.Container.Resolve<CacheEngine>();
        var secondEngine = second.Container.Resolve<CacheEngine>();
        var key = first.Key("row:1");
        await first.Service.Read(shape, 1);
        var stored = EntryHeader.Read(first.Redis, key)!;
        source.Commit(1, "v2");

        // Two seconds before expiry, from now on: within 40 Δ (Δ at least 100 ms), so a hit draws, and
        // Δ · −ln(1e-12) ≈ 27.6 Δ reaches it, so every draw of 1 − 1e-12 refreshes.
        clock.Offset = TimeSpan.FromMilliseconds(stored.FreshUntilMs - 2000 - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        firstEngine.NextRandom = () => 1 - 1e-12;
        using var drawing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        secondEngine.NextRandom = () =>
        {
            drawing.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return 1 - 1e-12;
        };

        // The second container's hit has read v1's entry and is held at its draw.
        var late = shape.Start(() => second.Service.Read(shape, 1));
        Assert.That(drawing.Wait(TimeSpan.FromSeconds(10)), Is.True);

        // Meanwhile the first container's hit refreshes the key: v2 replaces the entry.
        Assert.That(await first.Service.Read(shape, 1), Is.EqualTo("v1"));
        Assert.That(first.Observer.Last.Details.HasFlag(CacheEventDetails.RefreshStarted), Is.True);
        Assert.That(Eventually.True(() => !firstEngine.Refreshing(key) && EntryHeader.Read(first.Redis, key)?.Json == "\"v2\""), Is.True, () => Outcomes(refreshes));
        Assert.That(source.Loads, Is.EqualTo(2));

        // Now the held hit draws: the entry it read is close to expiry, but the key was refreshed since.
        release.Set();
        Assert.That(await late, Is.EqualTo("v1"));
        Assert.That(Eventually.True(() => !secondEngine.Refreshing(key)), Is.True);
        Assert.That(source.Loads, Is.EqualTo(2), "one refresh per expiry: the entry the hit read had been replaced, so the key is not loaded again");
        Assert.That(EntryHeader.Read(first.Redis, key)?.Json, Is.EqualTo("\"v2\""));
    }

    [Test]
    public async Task AnInvalidationBetweenAHitAndTheStartOfItsRefresh_LeavesOnlyTheNewValue([Values] bool readBetween)
    {
        var source = new RowSource(s_latency);
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var refreshes = new MetricCapture(CacheAsideDiagnostics.Refreshes);
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var engine = harness.Container.Resolve<CacheEngine>();
        var key = harness.Key("row:1");
        await harness.Service.GetAsync(1);
        StandJustBeforeExpiry(clock, EntryHeader.Read(harness.Redis, key)!, engine);
        using var drawing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var held = 0;
        engine.NextRandom = () =>
        {
            if (Interlocked.Exchange(ref held, 1) == 0)
            {
                drawing.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }

            return 1 - 1e-12;
        };

        // The hit has read v1's entry and is held at its draw, before its refresh starts.
        var hit = Task.Run(() => harness.Service.GetAsync(1));
        Assert.That(drawing.Wait(TimeSpan.FromSeconds(10)), Is.True);
        await harness.Service.SetAsync(1, "v2");
        if (readBetween)
        {
            Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v2"), "a read after the write loads and stores v2");
        }

        release.Set();

        Assert.That(await hit, Is.EqualTo("v1"), "a call that began before the write may be answered with what its read found");
        Assert.That(Eventually.True(() => !engine.Refreshing(key)), Is.True, () => Outcomes(refreshes));
        Assert.That(EntryHeader.Read(harness.Redis, key)?.Json, Is.EqualTo("\"v2\""), () => "the refresh, begun after the write, never stores v1; " + Outcomes(refreshes));
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v2"));
        Assert.That(source.Loads, Is.EqualTo(2), "the first load, and one of v2: the refresh's, or the read's, which the refresh then finds");
    }

    /// <summary>
    /// A refresh that cannot take the lease can never store what it loads: it gives up before calling the source, so a
    /// Redis in trouble (timing out, or full) does not add a source call per hot key to every expiry. Redis answers the
    /// hit's <c>GET</c>; the trouble starts at the hit's draw, before its refresh's lease step.
    /// </summary>
    [Test]
    public async Task ARefreshWhoseLeaseStepFails_GivesUpBeforeCallingTheSource([Values("timeout", "out_of_memory")] string trouble)
    {
        using var server = RedisServer.Start("--maxmemory-policy", "noeviction");
        using var proxy = new DelayProxy(server.Port);
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var refreshes = new MetricCapture(CacheAsideDiagnostics.Refreshes);
        using var harness = CacheAsideHarness<IRowRepository>.CreateConnecting(source, proxy.Endpoint, o =>
        {
            o.TimeProvider = clock;
            o.RedisTimeout = TimeSpan.FromMilliseconds(300);
        });
        var engine = harness.Container.Resolve<CacheEngine>();
        var key = harness.Key("row:1");
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"));
        StandJustBeforeExpiry(clock, EntryHeader.Read(admin.GetDatabase(), key)!, engine);
        engine.NextRandom = () =>
        {
            if (trouble == "timeout")
            {
                proxy.Stall();
            }
            else
            {
                admin.GetDatabase().Execute("CONFIG", "SET", "maxmemory", "1");
            }

            return 1 - 1e-12;
        };

        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.RefreshStarted), Is.True);
        Assert.That(Eventually.True(() => !engine.Refreshing(key)), Is.True, () => Outcomes(refreshes));
        proxy.Flow();
        admin.GetDatabase().Execute("CONFIG", "SET", "maxmemory", "0");

        Assert.That(source.Loads, Is.EqualTo(1), () => "the refresh could not hold the lease, so it could not have stored: it loaded nothing; " + Outcomes(refreshes));
        Assert.That(refreshes.Count(CacheAsideDiagnostics.RefreshResultTag, "no_lease"), Is.EqualTo(1), () => Outcomes(refreshes));
    }

    /// <summary>
    /// Holds the clock a millisecond before <paramref name="stored"/>'s expiry, where it is still fresh, and has every
    /// draw of <paramref name="engines"/> refresh: Δ · −ln(1e-12) ≈ 27.6 Δ reaches that millisecond whatever Δ is.
    /// </summary>
    private static void StandJustBeforeExpiry(ShiftedClock clock, EntryHeader stored, params CacheEngine[] engines)
    {
        clock.HeldAtMs = stored.FreshUntilMs - 1;
        foreach (var engine in engines)
        {
            engine.NextRandom = () => 1 - 1e-12;
        }
    }

    private static string Outcomes(MetricCapture refreshes) =>
        "refreshes: " + string.Join(", ", new[] { "stored", "busy", "no_lease", "refused", "not_stored", "failed" }.Select(r => r + " " + refreshes.Count(CacheAsideDiagnostics.RefreshResultTag, r).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Test]
    public async Task AnInvalidationDuringARefresh_VoidsItsStore()
    {
        var source = new RowSource(s_latency);
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var refreshes = new MetricCapture(CacheAsideDiagnostics.Refreshes);
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o => o.TimeProvider = clock);
        var key = harness.Key("row:1");
        await harness.Service.GetAsync(1);
        var stored = EntryHeader.Read(harness.Redis, key)!;
        source.Gate.Close();
        StandJustBeforeExpiry(clock, stored, harness.Container.Resolve<CacheEngine>());
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"));
        Assert.That(source.Gate.WaitForArrival(), Is.True, "the refresh read v1 and is held");

        await harness.Service.SetAsync(1, "v2");
        source.Gate.Open();

        Assert.That(Eventually.True(() => refreshes.Count(CacheAsideDiagnostics.RefreshResultTag, "refused") == 1), Is.True);
        Assert.That(EntryHeader.Read(harness.Redis, key), Is.Null, "the refresh, begun before the write, stored nothing");
        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v2"));
    }

    [Test]
    public async Task WithEarlyRefreshOff_AHitAtExpiryRefreshesNothing()
    {
        var source = new RowSource();
        source.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<IRowRepository>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.EarlyRefreshBeta = 0;
        });
        await harness.Service.GetAsync(1);
        StandJustBeforeExpiry(clock, EntryHeader.Read(harness.Redis, harness.Key("row:1"))!, harness.Container.Resolve<CacheEngine>());

        Assert.That(await harness.Service.GetAsync(1), Is.EqualTo("v1"));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.RefreshStarted), Is.False);
        await Task.Delay(100);
        Assert.That(source.Loads, Is.EqualTo(1));
    }

    [Test]
    public async Task ARefreshWhoseArgumentsTheCallerChangedMeanwhile_StoresNothing()
    {
        var source = new Pages();
        var clock = new ShiftedClock();
        using var harness = CacheAsideHarness<IPages>.Create(source, o =>
        {
            o.TimeProvider = clock;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        var engine = harness.Container.Resolve<CacheEngine>();
        var key = harness.Key("page:1");
        var filter = new PageFilter { Number = 1 };
        Assert.That(await harness.Service.FindAsync(filter), Is.EqualTo("page 1"));
        var stored = EntryHeader.Read(harness.Redis, key)!;
        StandJustBeforeExpiry(clock, stored, engine);

        source.Gate.Reset();
        Assert.That(await harness.Service.FindAsync(filter), Is.EqualTo("page 1"));
        Assert.That(harness.Observer.Last.Details.HasFlag(CacheEventDetails.RefreshStarted), Is.True);
        Assert.That(source.Arrived.Wait(TimeSpan.FromSeconds(10)), Is.True, "the refresh is held in the source");

        // The caller has its answer and reuses its filter for the next page while the refresh still runs.
        filter.Number = 2;
        source.Gate.Set();
        Assert.That(Eventually.True(() => !engine.Refreshing(key)), Is.True);

        Assert.That(EntryHeader.Read(harness.Redis, key)?.Json, Is.EqualTo("\"page 1\""), "what the refresh loaded, for page 2, was not stored under page 1's key");
        Assert.That(await harness.Service.FindAsync(new PageFilter { Number = 1 }), Is.EqualTo("page 1"));
    }

    /// <summary>A query object a caller may reuse between calls.</summary>
    public sealed class PageFilter
    {
        public int Number { get; set; }
    }

    /// <summary>Pages of results, keyed by the filter's page number.</summary>
    public interface IPages
    {
        [Cached("page:{filter.Number}", TtlSeconds = 60)]
        Task<string> FindAsync(PageFilter filter);
    }

    /// <summary>Answers with the page the filter asks for when the load ends; a load can be held at its start.</summary>
    public sealed class Pages : IPages
    {
        public ManualResetEventSlim Gate { get; } = new(true);

        public ManualResetEventSlim Arrived { get; } = new();

        public async Task<string> FindAsync(PageFilter filter)
        {
            Arrived.Set();
            await Task.Run(() => Gate.Wait(TimeSpan.FromSeconds(30)));
            return "page " + filter.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
