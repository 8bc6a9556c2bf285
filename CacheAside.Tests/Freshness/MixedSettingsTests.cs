using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Freshness;

/// <summary>
/// Processes that share one Redis and one key prefix but disagree on how long an entry is fresh — one has
/// fail-safe and the other not, or their times to live differ, as in a deploy that changes them: each serves an
/// entry only while it is fresh by the entry's own header and by its own settings, whatever the other wrote. The
/// wall clock is shifted (<see cref="ShiftedClock"/>), while Redis keeps the entries in real time.
/// </summary>
public sealed class MixedSettingsTests
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(60);

    [Test]
    public async Task AnEntryStoredWithFailSafe_IsNotServedPastItsTimeToLive_ByAProcessWithout([Values] ReadShape shape)
    {
        var (withSource, withoutSource) = (new RowSource(), new RowSource());
        withSource.Commit(1, "v1");
        withoutSource.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var with = CacheAsideHarness<IRowRepository>.Create(withSource, o => Configure(o, clock, s_window));
        using var without = CacheAsideHarness<IRowRepository>.Create(withoutSource, o => Configure(o, clock, TimeSpan.Zero, with.Prefix));
        await with.Service.Read(shape, 1);

        // The row changes where no invalidation sees it: the staleness bound, the time to live, is all that holds.
        withoutSource.Commit(1, "v2");
        clock.Offset = TimeSpan.FromSeconds(61);

        Assert.That(await with.Redis.KeyExistsAsync(with.Key("row:1")), Is.True, "Redis keeps the entry for the fail-safe window");
        Assert.That(await without.Service.Read(shape, 1), Is.EqualTo("v2"), "loaded 61 s ago with a time to live of 60 s: not served");
        Assert.That(without.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
        Assert.That(withoutSource.Loads, Is.EqualTo(1));
    }

    [Test]
    public async Task AFallbackKeptByAProcessWithFailSafe_IsNotServedByAProcessWithout([Values] ReadShape shape)
    {
        var (withSource, withoutSource) = (new RowSource(), new RowSource());
        withSource.Commit(1, "v1");
        withoutSource.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var with = CacheAsideHarness<IRowRepository>.Create(withSource, o => Configure(o, clock, s_window));
        using var without = CacheAsideHarness<IRowRepository>.Create(withoutSource, o => Configure(o, clock, TimeSpan.Zero, with.Prefix));
        var key = with.Key("row:1");
        await with.Service.Read(shape, 1);
        clock.Offset = TimeSpan.FromSeconds(61);
        withSource.FailNext(1);
        Assert.That(await with.Service.Read(shape, 1), Is.EqualTo("v1"), "the fail-safe process answers with its fallback");
        Assert.That(Eventually.True(() => EntryHeader.Read(with.Redis, key)?.ExpiredAtMs != 0), Is.True, "and keeps it for the throttle");
        withoutSource.Commit(1, "v2");

        Assert.That(await without.Service.Read(shape, 1), Is.EqualTo("v2"), "a value past its time to live is served only by a process that asked for fail-safe");
        Assert.That(without.Observer.Last.Details.HasFlag(CacheEventDetails.Stale), Is.False);
        Assert.That(withoutSource.Loads, Is.EqualTo(1));
    }

    [Test]
    public async Task ACallerWithoutFailSafe_ThatWaitedForAFailedLoadOfAProcessWithIt_IsNotAnsweredFromTheKeptFallback([Values] ReadShape shape)
    {
        var (withSource, withoutSource) = (new RowSource(), new RowSource());
        withSource.Commit(1, "v1");
        withoutSource.Commit(1, "v1");
        var clock = new ShiftedClock();
        using var with = CacheAsideHarness<IRowRepository>.Create(withSource, o => Configure(o, clock, s_window));
        using var without = CacheAsideHarness<IRowRepository>.Create(withoutSource, o => Configure(o, clock, TimeSpan.Zero, with.Prefix));
        var key = with.Key("row:1");
        await with.Service.Read(shape, 1);
        clock.Offset = TimeSpan.FromSeconds(61);
        withoutSource.Commit(1, "v2");

        withSource.Gate.Close();
        withSource.FailNext(1);
        var holding = shape.Start(() => with.Service.Read(shape, 1));
        Assert.That(withSource.Gate.WaitForArrival(), Is.True, "the fail-safe process holds the lease, its load held");
        var waiting = shape.Start(() => without.Service.Read(shape, 1));
        Assert.That(Eventually.True(() => with.Redis.HashExists(key + ":lease", "w")), Is.True, "the process without fail-safe waits for it");

        withSource.Gate.Open();
        Assert.That(await holding, Is.EqualTo("v1"), "the fail-safe process answers with its fallback and keeps it");

        Assert.That(await waiting, Is.EqualTo("v2"), "the waiter finds the kept fallback, past its time to live, and loads by itself");
        Assert.That(without.Observer.Last.Details.HasFlag(CacheEventDetails.Stale), Is.False);
        Assert.That(withoutSource.Loads, Is.EqualTo(1));
    }

    [Test]
    public async Task AProcessWithAShorterTimeToLive_DoesNotServeAnEntryOlderThanIts([Values] bool failSafe)
    {
        var (longSource, shortSource) = (new QuoteSource(), new QuoteSource());
        var clock = new ShiftedClock();
        var window = failSafe ? s_window : TimeSpan.Zero;
        using var longer = CacheAsideHarness<IQuoteService>.Create(longSource, o =>
        {
            Configure(o, clock, window);
            o.DefaultTtl = TimeSpan.FromMinutes(10);
        });
        using var shorter = CacheAsideHarness<IQuoteService>.Create(shortSource, o =>
        {
            Configure(o, clock, window, longer.Prefix);
            o.DefaultTtl = TimeSpan.FromMinutes(1);
        });
        for (var i = 0; i < 9; i++)
        {
            // The shorter-lived process's source answers 110 next, so its loads are told from the other's.
            shortSource.GetQuote("other");
        }

        Assert.That(await longer.Service.GetQuoteAsync("ACME"), Is.EqualTo(101m));
        clock.Offset = TimeSpan.FromSeconds(30);
        Assert.That(await shorter.Service.GetQuoteAsync("ACME"), Is.EqualTo(101m), "within both times to live: a hit");

        clock.Offset = TimeSpan.FromSeconds(61);

        Assert.That(await shorter.Service.GetQuoteAsync("ACME"), Is.EqualTo(110m), "loaded 61 s ago, past this process's time to live of a minute");
        Assert.That(shorter.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
        Assert.That(await longer.Service.GetQuoteAsync("ACME"), Is.EqualTo(110m), "the longer-lived process takes the newer entry");
    }

    [Test]
    public async Task ANullStoredByAProcessThatCachesNulls_IsAMiss_ForAProcessThatDoesNot([Values] ReadShape shape)
    {
        var (cachingSource, plainSource) = (new RowSource(), new RowSource());
        var clock = new ShiftedClock();
        using var caching = CacheAsideHarness<IRowsCachingNulls>.Create(new NullableRows(cachingSource), o => Configure(o, clock, TimeSpan.Zero));
        using var plain = CacheAsideHarness<IRowRepository>.Create(plainSource, o => Configure(o, clock, TimeSpan.Zero, caching.Prefix));
        Assert.That(await caching.Service.GetAsync(1), Is.Null);
        Assert.That(await caching.Redis.KeyExistsAsync(caching.Key("row:1")), Is.True, "the process that caches nulls stored one");

        // The row is created where no invalidation sees it: a process that never caches nulls promises its callers the row.
        plainSource.Commit(1, "created");

        Assert.That(await plain.Service.Read(shape, 1), Is.EqualTo("created"), "a process without NullTtlSeconds never answers from a stored null");
        Assert.That(plain.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
        Assert.That(plainSource.Loads, Is.EqualTo(1));
    }

    [Test]
    public async Task ANullStoredByAProcessWithALongerNullTtl_IsNotServedPastTheReadersOwn()
    {
        var (longSource, shortSource) = (new RowSource(), new RowSource());
        var clock = new ShiftedClock();
        using var longer = CacheAsideHarness<IRowsCachingNulls>.Create(new NullableRows(longSource), o => Configure(o, clock, TimeSpan.Zero));
        using var shorter = CacheAsideHarness<IRowsCachingNullsBriefly>.Create(new NullableRows(shortSource), o => Configure(o, clock, TimeSpan.Zero, longer.Prefix));
        Assert.That(await longer.Service.GetAsync(1), Is.Null);
        clock.Offset = TimeSpan.FromSeconds(3);
        Assert.That(await shorter.Service.GetAsync(1), Is.Null, "within both null times to live: a hit");
        Assert.That(shorter.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Hit));
        shortSource.Commit(1, "created");

        clock.Offset = TimeSpan.FromSeconds(6);

        Assert.That(await shorter.Service.GetAsync(1), Is.EqualTo("created"), "stored 6 s ago, past this process's null time to live of 5 s");
        Assert.That(shorter.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
        Assert.That(shortSource.Loads, Is.EqualTo(1));
    }

    private static void Configure(CacheAsideOptions o, TimeProvider clock, TimeSpan failSafeWindow, string? prefix = null)
    {
        if (prefix is not null)
        {
            o.KeyPrefix = prefix;
        }

        o.TimeProvider = clock;
        o.FailSafeWindow = failSafeWindow;
        o.RedisTimeout = TimeSpan.FromSeconds(1);
        o.EarlyRefreshBeta = 0;
    }

    /// <summary>Rows whose absence is cached for a minute.</summary>
    public interface IRowsCachingNulls
    {
        [Cached("row:{id}", TtlSeconds = 60, NullTtlSeconds = 60)]
        Task<string?> GetAsync(int id);
    }

    /// <summary>The same rows, their absence cached for five seconds.</summary>
    public interface IRowsCachingNullsBriefly
    {
        [Cached("row:{id}", TtlSeconds = 60, NullTtlSeconds = 5)]
        Task<string?> GetAsync(int id);
    }

    /// <summary>Reads <see cref="RowSource"/>'s rows for the interfaces above.</summary>
    public sealed class NullableRows(RowSource rows) : IRowsCachingNulls, IRowsCachingNullsBriefly
    {
        public Task<string?> GetAsync(int id) => rows.GetAsync(id);
    }
}
