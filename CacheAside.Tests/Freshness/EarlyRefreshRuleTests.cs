using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Entries;

namespace CacheAside.Tests.Freshness;

/// <summary>
/// The XFetch rule in isolation: a hit refreshes when <c>now − Δ·β·ln(rand) ≥ expiry</c>, so with <c>gap</c>
/// left before expiry the probability is <c>exp(−gap / (Δ·β))</c>. Checked against that with a seeded
/// random source, as a statistical test (a fixed seed: the same draws every run), not a timing one.
/// </summary>
public sealed class EarlyRefreshRuleTests
{
    private const long Now = 1_800_000_000_000;
    private const int Draws = 20_000;

    [TestCase(100, 1.0, 10)]
    [TestCase(100, 1.0, 50)]
    [TestCase(100, 1.0, 100)]
    [TestCase(100, 1.0, 250)]
    [TestCase(100, 2.0, 250)]
    [TestCase(100, 0.5, 30)]
    [TestCase(20, 1.0, 20)]
    public void RefreshProbability_FollowsTheRule(long loadMs, double beta, long gapMs)
    {
        var random = new Random(20151);
        var stamp = new EntryStamp(1, Now - 60_000, loadMs, Now + gapMs);

        var refreshed = Enumerable.Range(0, Draws).Count(_ => CacheEngine.ShouldRefreshEarly(Now, stamp, beta, random.NextDouble));

        var expected = Math.Exp(-gapMs / (loadMs * beta));
        var sigma = Math.Sqrt(expected * (1 - expected) / Draws);
        var observed = (double)refreshed / Draws;
        TestContext.Out.WriteLine($"Δ={loadMs} ms β={beta} gap={gapMs} ms: expected {expected:P2}, observed {observed:P2}");
        Assert.That(observed, Is.EqualTo(expected).Within(4 * sigma + 0.001));
    }

    [Test]
    public void TheCloserToExpiry_TheLikelierARefresh()
    {
        var random = new Random(7);
        var rates = new[] { 400L, 200, 100, 50, 10 }
            .Select(gap => Enumerable.Range(0, Draws).Count(_ => CacheEngine.ShouldRefreshEarly(Now, new EntryStamp(1, Now, 100, Now + gap), 1, random.NextDouble)))
            .ToArray();

        Assert.That(rates, Is.Ordered.Ascending);
        Assert.That(rates[0], Is.GreaterThan(0));
    }

    [Test]
    public void FarFromExpiry_NothingIsDrawn()
    {
        var stamp = new EntryStamp(1, Now, 100, Now + 60_000);

        Assert.That(CacheEngine.ShouldRefreshEarly(Now, stamp, 1, () => throw new AssertionException("drew a random number for an entry a minute from expiry")), Is.False);
    }

    [Test]
    public void AtOrPastExpiry_ARefreshIsCertain()
    {
        Assert.That(CacheEngine.ShouldRefreshEarly(Now, new EntryStamp(1, Now, 100, Now), 1, () => 0), Is.True);
        Assert.That(CacheEngine.ShouldRefreshEarly(Now, new EntryStamp(1, Now, 100, Now - 5), 1, () => 0), Is.True);
    }

    [Test]
    public void AnInstantLoad_CountsAsOneMillisecond_SoItsEntriesAreStillRefreshedJustBeforeExpiry()
    {
        var stamp = new EntryStamp(1, Now, 0, Now + 1);

        Assert.That(CacheEngine.ShouldRefreshEarly(Now, stamp, 1, () => 0.9), Is.True, "-ln(0.1) = 2.3 ms ≥ 1 ms left");
        Assert.That(CacheEngine.ShouldRefreshEarly(Now, stamp, 1, () => 0.1), Is.False, "-ln(0.9) = 0.1 ms < 1 ms left");
    }
}
