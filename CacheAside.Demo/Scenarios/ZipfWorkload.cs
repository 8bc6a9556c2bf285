using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace CacheAside.Demo.Scenarios;

/// <summary>
/// A read workload whose keys follow a Zipf distribution: key <c>k</c> (1 to <see cref="Keys"/>) is drawn
/// with a probability proportional to <c>1 / k^skew</c>, so a few keys are very hot and most are rare.
/// Drawn by Math.NET Numerics' sampler from a Mersenne Twister seeded with <see cref="Seed"/>, so the same
/// parameters always give the same sequence, on every machine.
/// </summary>
/// <param name="Keys">How many distinct products can be read.</param>
/// <param name="Skew">The Zipf exponent: 0 is uniform, 1 is Zipf's law, higher is hotter.</param>
/// <param name="Calls">How many reads to make.</param>
/// <param name="Seed">The seed of the random sequence.</param>
public sealed record ZipfWorkload(int Keys, double Skew, int Calls, int Seed)
{
    /// <summary>
    /// The demo's defaults: 100 reads (the seed's figure) over a catalogue of 100 products, with the
    /// exponent of Zipf's law, and seed 42.
    /// </summary>
    public static ZipfWorkload Default { get; } = new(Keys: 100, Skew: 1.0, Calls: 100, Seed: 42);

    /// <summary>Draws the workload's sequence of product ids.</summary>
    /// <returns><see cref="Calls"/> ids between 1 and <see cref="Keys"/>.</returns>
    public IReadOnlyList<int> Sample()
    {
        var zipf = new Zipf(Skew, Keys, new MersenneTwister(Seed, threadSafe: false));
        var ids = new int[Calls];
        zipf.Samples(ids);
        return ids;
    }

    /// <summary>
    /// The best hit rate any cache can reach on <paramref name="sequence"/> starting empty: the first read of
    /// each distinct key must miss, so at most <c>1 - distinct / calls</c> of the reads can hit.
    /// </summary>
    /// <param name="sequence">The keys read, in order.</param>
    /// <returns>The ceiling, between 0 and 1; 0 for an empty sequence.</returns>
    public static double ColdStartCeiling(IReadOnlyList<int> sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return sequence.Count == 0 ? 0 : (double)(sequence.Count - sequence.Distinct().Count()) / sequence.Count;
    }
}
