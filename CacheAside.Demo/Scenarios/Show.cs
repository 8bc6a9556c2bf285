using System.Globalization;

namespace CacheAside.Demo.Scenarios;

/// <summary>Figures as people read them, the same in every culture.</summary>
public static class Show
{
    /// <summary>A latency: <c>0.31 ms</c>, <c>101.7 ms</c>, <c>3.11 s</c>.</summary>
    /// <param name="ms">Milliseconds.</param>
    /// <returns>The text.</returns>
    public static string Ms(double ms) => ms switch
    {
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{ms:0.00} ms"),
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.00} s"),
    };

    /// <summary>A latency that may be missing: <c>-</c> when it is.</summary>
    /// <param name="ms">Milliseconds, or <see langword="null"/>.</param>
    /// <returns>The text.</returns>
    public static string Ms(double? ms) => ms is { } value ? Ms(value) : "-";

    /// <summary>A share as a percentage: <c>58%</c>, <c>4.5%</c>.</summary>
    /// <param name="share">Between 0 and 1.</param>
    /// <returns>The text.</returns>
    public static string Percent(double share) => share is > 0 and < 0.1
        ? string.Create(CultureInfo.InvariantCulture, $"{share * 100:0.0}%")
        : string.Create(CultureInfo.InvariantCulture, $"{share * 100:0}%");

    /// <summary>A duration in the largest unit that keeps it whole: <c>50 ms</c>, <c>2 s</c>, <c>5 min</c>.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text.</returns>
    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalMinutes: >= 1 } when duration.TotalMinutes % 1 == 0 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0} min"),
        { TotalSeconds: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###} ms"),
    };

    /// <summary>A price: <c>42.99</c>.</summary>
    /// <param name="price">The price.</param>
    /// <returns>The text.</returns>
    public static string Price(decimal price) => price.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A plain number: <c>100</c>, <c>0.99</c>.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
