using System.Globalization;

namespace CacheAside.Benchmarks;

/// <summary>The few statistics the harnesses print: nearest-rank percentiles, medians, and times in readable units.</summary>
internal static class Stats
{
    /// <summary>The nearest-rank percentile of sorted values (<paramref name="share"/> 0.95 for p95).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double share) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// A 95% interval for the median of <paramref name="values"/>: the 2.5th and 97.5th percentiles of the medians
    /// of 2,000 resamples drawn with replacement (a percentile bootstrap; seeded, so a run repeats its intervals).
    /// </summary>
    public static (double Low, double High) MedianInterval(IReadOnlyList<double> values, int seed = 1)
    {
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var random = new Random(seed);
        var sample = new double[values.Count];
        var medians = new double[2000];
        for (var r = 0; r < medians.Length; r++)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] = values[random.Next(values.Count)];
            }

            medians[r] = Median(sample);
        }

        Array.Sort(medians);
        return (Percentile(medians, 0.025), Percentile(medians, 0.975));
    }

    /// <summary>Microseconds as <c>12.3 µs</c> or <c>4.5 ms</c>.</summary>
    public static string Micros(double microseconds) => microseconds >= 1000
        ? (microseconds / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " ms"
        : microseconds.ToString("0.0", CultureInfo.InvariantCulture) + " µs";

    public static string Number(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Reads <c>--name value</c> from the arguments, or the default.</summary>
    public static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
