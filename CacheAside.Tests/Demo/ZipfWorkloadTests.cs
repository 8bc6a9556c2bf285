using CacheAside.Demo.Scenarios;

namespace CacheAside.Tests.Demo;

/// <summary>The Zipf key sequence: reproducible from its seed, skewed as asked, and its cold-start ceiling.</summary>
public sealed class ZipfWorkloadTests
{
    [Test]
    public void Sample_SameParameters_SameSequence()
    {
        var workload = new ZipfWorkload(Keys: 100, Skew: 1.0, Calls: 500, Seed: 11);

        var first = workload.Sample();
        var second = workload.Sample();

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Sample_DifferentSeed_DifferentSequence()
    {
        var workload = new ZipfWorkload(Keys: 100, Skew: 1.0, Calls: 100, Seed: 11);

        var first = workload.Sample();
        var other = (workload with { Seed = 12 }).Sample();

        Assert.That(other, Is.Not.EqualTo(first));
    }

    [Test]
    public void Sample_DefaultWorkload_IsTheSequenceTheReadmeDescribes()
    {
        var workload = ZipfWorkload.Default;

        var sequence = workload.Sample();

        // Pinned: the README quotes these figures, and a sampler change must not move them silently.
        Assert.That(sequence, Has.Count.EqualTo(100));
        Assert.That(sequence.Distinct().Count(), Is.EqualTo(39));
        Assert.That(sequence.Count(id => id == 1), Is.EqualTo(28));
    }

    [Test]
    public void Sample_ManyCalls_KeysStayInRangeAndTheHottestIsRankOne()
    {
        var workload = new ZipfWorkload(Keys: 50, Skew: 1.0, Calls: 20_000, Seed: 3);

        var sequence = workload.Sample();

        var counts = sequence.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(sequence, Is.All.InRange(1, 50));
        Assert.That(counts.MaxBy(c => c.Value).Key, Is.EqualTo(1));
        Assert.That((double)counts[1] / counts[2], Is.EqualTo(2.0).Within(0.3), "with skew 1, rank 1 is read about twice as often as rank 2");
    }

    [Test]
    public void Sample_HigherSkew_FewerDistinctKeys()
    {
        var mild = new ZipfWorkload(Keys: 1000, Skew: 0.8, Calls: 1000, Seed: 5);

        var mildDistinct = mild.Sample().Distinct().Count();
        var hotDistinct = (mild with { Skew = 1.5 }).Sample().Distinct().Count();

        Assert.That(hotDistinct, Is.LessThan(mildDistinct / 2));
    }

    [TestCase(new[] { 1, 1, 2, 1 }, 0.5)]
    [TestCase(new[] { 1, 2, 3 }, 0.0)]
    [TestCase(new[] { 7, 7, 7, 7, 7 }, 0.8)]
    [TestCase(new int[0], 0.0)]
    public void ColdStartCeiling_IsOneMinusDistinctOverCalls(int[] sequence, double expected)
    {
        var ceiling = ZipfWorkload.ColdStartCeiling(sequence);

        Assert.That(ceiling, Is.EqualTo(expected).Within(1e-12));
    }
}
