using System.Text.Json.Serialization;
using CsCheck;

namespace CacheAside.Tests.Keys;

/// <summary>A record: its state is the backing fields of its properties.</summary>
public sealed record Pair(object? Left, object? Right);

/// <summary>State JSON would not show: a private field and an ignored property.</summary>
public sealed class Box(object? content, int hidden)
{
    private readonly object? _content = content;

    [JsonIgnore]
    public int Hidden { get; } = hidden;

    public object? Content => _content;
}

/// <summary>Two strings whose declared type fixes their runtime type, so they render without a tag.</summary>
public sealed record Named(string? First, string? Second);

/// <summary>A struct, boxed when it sits in an <see langword="object"/>.</summary>
public readonly record struct Cell(object? Value, int Column);

/// <summary>
/// Argument values for property tests, from a small domain so that equal values come up often, with every
/// character that means something in a key, unpaired surrogates, long strings, numbers with several texts
/// for one value, enums of two types whose members share names, and nested records, classes, structs and lists.
/// </summary>
public static class GeneratedValues
{
    /// <summary>Characters with a meaning in keys, surrogates alone and paired, and plain letters.</summary>
    public const string Characters = "ab:\\{}#()[],@^0eu\uD800\uDC00\uFFFD";

    public static readonly Gen<string> ShortText = Gen.Char[Characters].Array[0, 5].Select(c => new string(c));

    public static readonly Gen<string> LongText = Gen.Char["ab:{"].Array[150, 320].Select(c => new string(c));

    public static readonly Gen<object?> Leaf = Gen.Frequency<object?>(
        (4, ShortText.Select(s => (object?)s)),
        (1, LongText.Select(s => (object?)s)),
        (1, Gen.Const((object?)null)),
        (2, Gen.Int[-2, 2].Select(i => (object?)i)),
        (1, Gen.Long[-2, 2].Select(l => (object?)l)),
        (1, Gen.Int.Select(i => (object?)i)),
        (1, Gen.Int[-3, 3].Select(i => (object?)new decimal(i, 0, 0, false, (byte)Math.Abs(i)))),
        (1, Gen.OneOf(Gen.Const(0.0), Gen.Const(-0.0), Gen.Const(double.NaN), Gen.Const(1.5), Gen.Double).Select(d => (object?)d)),
        (1, Gen.Bool.Select(b => (object?)b)),
        (1, Gen.Char[Characters].Select(c => (object?)c)),
        (1, Gen.OneOf<object?>(Colour.Red, Colour.Green, Size.Red, Size.Large)));

    /// <summary>Values nested up to <paramref name="depth"/> levels.</summary>
    public static Gen<object?> Value(int depth)
    {
        if (depth == 0)
        {
            return Leaf;
        }

        var inner = Value(depth - 1);
        return Gen.Frequency<object?>(
            (6, Leaf),
            (1, Gen.Select(inner, inner, (l, r) => (object?)new Pair(l, r))),
            (1, Gen.Select(inner, Gen.Int[0, 1], (c, h) => (object?)new Box(c, h))),
            (1, Gen.Select(inner, Gen.Int[0, 1], (v, c) => (object?)new Cell(v, c))),
            (1, inner.List[0, 3].Select(l => (object?)l)),
            (1, inner.Array[0, 3].Select(a => (object?)a)),
            (1, Gen.Int[-1, 1].Array[0, 3].Select(a => (object?)a)),
            (1, Gen.Select(ShortText.Null(0.2), ShortText.Null(0.2), (f, s) => (object?)new Named(f, s))),
            (1, ShortText.Null(0.2).Array[0, 3].Select(a => (object?)a)),
            (1, ShortText.List[0, 3].Select(l => (object?)l)));
    }

    /// <summary>
    /// Whether two values are the same by the rules keys must follow: same runtime type and same state, with
    /// decimals by value, and a double by its bits (every NaN alike, 0 and -0 apart: their texts differ).
    /// </summary>
    public static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        _ when a.GetType() != b.GetType() => false,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (double x, double y) => (double.IsNaN(x) && double.IsNaN(y)) || BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
        (Pair x, Pair y) => Same(x.Left, y.Left) && Same(x.Right, y.Right),
        (Named x, Named y) => Same(x.First, y.First) && Same(x.Second, y.Second),
        (Box x, Box y) => Same(x.Content, y.Content) && x.Hidden == y.Hidden,
        (Cell x, Cell y) => Same(x.Value, y.Value) && x.Column == y.Column,
        (System.Collections.IList x, System.Collections.IList y) => x.Count == y.Count && Enumerable.Range(0, x.Count).All(i => Same(x[i], y[i])),
        _ => a.Equals(b),
    };
}
