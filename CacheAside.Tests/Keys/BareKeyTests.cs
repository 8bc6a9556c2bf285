using System.Numerics;
using System.Reflection;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Keys;
using CsCheck;

namespace CacheAside.Tests.Keys;

/// <summary>
/// Keys of plain values (a number, a <see cref="Guid"/>, a string with nothing to escape) are written straight into a
/// stack buffer instead of through the key writer. That route must give, for every argument, byte for byte the key
/// the writer gives, at every key length (a key too long is hashed, by the writer), and decline whatever it cannot
/// write as it stands.
/// </summary>
public sealed class BareKeyTests
{
    private const string Prefix = "cacheaside:v1:";

    private static readonly Gen<string> s_text = Gen.OneOf(
        GeneratedValues.ShortText,
        Gen.Char["abcXYZ09-_./ é"].Array[1, 12].Select(c => new string(c)),
        Gen.Char["ab"].Array[200, 300].Select(c => new string(c)));

    private static readonly Dictionary<Type, Gen<object?>> s_values = new()
    {
        [typeof(int)] = Gen.Int.Select(v => (object?)v),
        [typeof(long)] = Gen.Long.Select(v => (object?)v),
        [typeof(short)] = Gen.Short.Select(v => (object?)v),
        [typeof(byte)] = Gen.Byte.Select(v => (object?)v),
        [typeof(uint)] = Gen.UInt.Select(v => (object?)v),
        [typeof(ulong)] = Gen.ULong.Select(v => (object?)v),
        [typeof(int?)] = Gen.OneOf(Gen.Int.Select(v => (object?)v), Gen.Const((object?)null)),
        [typeof(Guid)] = Gen.Guid.Select(v => (object?)v),
        [typeof(double)] = Gen.OneOf(Gen.Double, Gen.Const(double.NaN), Gen.Const(-0.0), Gen.Const(double.NegativeInfinity), Gen.Const(1e300)).Select(v => (object?)v),
        [typeof(float)] = Gen.Float.Select(v => (object?)v),
        [typeof(decimal)] = Gen.Decimal.Select(v => (object?)v),
        [typeof(BigInteger)] = Gen.Long.Select(v => (object?)(new BigInteger(v) * v)),
        [typeof(DateTime)] = Gen.DateTime.Select(v => (object?)v),
        [typeof(TimeSpan)] = Gen.TimeSpan.Select(v => (object?)v),
        [typeof(char)] = Gen.Char[GeneratedValues.Characters + "az"].Select(v => (object?)v),
        [typeof(bool)] = Gen.Bool.Select(v => (object?)v),
        [typeof(Colour)] = Gen.OneOf(Gen.Const(Colour.Red), Gen.Const(Colour.Green), Gen.Const((Colour)77)).Select(v => (object?)v),
        [typeof(string)] = s_text.Null().Select(v => (object?)v),
        [typeof(object)] = Gen.OneOf(GeneratedValues.Leaf, Gen.Guid.Select(v => (object?)v)),
    };

    private static IEnumerable<MethodInfo> Methods => typeof(IBareKeyProbe).GetMethods();

    [TestCaseSource(nameof(Methods))]
    public void EveryKey_IsTheKeyTheWriterWrites(MethodInfo method)
    {
        var renderer = KeyProbe.Renderer(method);
        var arguments = method.GetParameters().Select(p => s_values[p.ParameterType]).ToArray();
        var builders = new[] { 256, 100, KeyBuilder.MinimumLength(Prefix) }.Select(length => new KeyBuilder(Prefix, length)).ToArray();
        Gen.Select(arguments[0], arguments.Length > 1 ? arguments[1] : Gen.Const((object?)null)).Sample((first, second) =>
        {
            object?[] call = arguments.Length > 1 ? [first, second] : [first];
            foreach (var builder in builders)
            {
                var key = builder.Build(renderer, (object?[])call.Clone());
                var written = builder.BuildWritten(renderer, (object?[])call.Clone());
                if (!string.Equals(key, written, StringComparison.Ordinal))
                {
                    Assert.Fail($"{method.Name}({string.Join(", ", call.Select(a => a?.ToString() ?? "null"))}): {key} instead of {written}");
                }
            }
        }, iter: 2000, threads: 1);
    }

    [TestCase(nameof(IBareKeyProbe.Product), 42, ExpectedResult = "product:42")]
    [TestCase(nameof(IBareKeyProbe.Product), -7, ExpectedResult = "product:-7")]
    [TestCase(nameof(IBareKeyProbe.Sku), "A-100", ExpectedResult = "sku:A-100")]
    [TestCase(nameof(IBareKeyProbe.Order), 9L, ExpectedResult = "CacheAside.Tests.Keys.IBareKeyProbe@CacheAside.Tests.Order(System.Int64):9")]
    public string PlainValues_TakeTheBareRoute(string name, object argument)
    {
        var renderer = KeyProbe.Renderer(typeof(IBareKeyProbe).GetMethod(name)!);
        Span<char> body = stackalloc char[256];
        Assert.That(renderer.TryRenderBare(body, [argument], out var written), Is.True);
        return body[..written].ToString();
    }

    [TestCase(nameof(IBareKeyProbe.Sku), "a:b")]
    [TestCase(nameof(IBareKeyProbe.Sku), "")]
    [TestCase(nameof(IBareKeyProbe.Sku), null)]
    [TestCase(nameof(IBareKeyProbe.Stamp), "2026-01-02")]
    [TestCase(nameof(IBareKeyProbe.Anything), 5)]
    [TestCase(nameof(IBareKeyProbe.Shade), Colour.Red)]
    public void WhatTheWriterEscapesTagsOrSpellsOut_IsDeclined(string name, object? argument)
    {
        var method = typeof(IBareKeyProbe).GetMethod(name)!;
        if (argument is string text && method.GetParameters()[0].ParameterType == typeof(DateTime))
        {
            argument = DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        }

        var renderer = KeyProbe.Renderer(method);
        Span<char> body = stackalloc char[256];
        Assert.That(renderer.TryRenderBare(body, [argument], out _), Is.False);
    }

    [Test]
    public void AKeyLongerThanTheBuffer_IsWrittenWhole()
    {
        var builder = new KeyBuilder(Prefix, 2048);
        var renderer = KeyProbe.Renderer(typeof(IBareKeyProbe).GetMethod(nameof(IBareKeyProbe.Sku))!);
        var text = new string('x', 600);
        Assert.That(builder.Build(renderer, [text]), Is.EqualTo(Prefix + "{sku:" + text + "}"));
    }
}

/// <summary>Methods whose keys can be plain text, and some whose keys cannot.</summary>
public interface IBareKeyProbe
{
    [Cached("product:{id}")]
    string Product(int id);

    [Cached("sku:{sku}")]
    string Sku(string? sku);

    [Cached]
    string Order(long id);

    [Cached("pair:{a}:{b}")]
    string PairOf(int a, string? b);

    [Cached]
    string Both(Guid a, int? b);

    [Cached("n:{a}:{b}")]
    string Numbers(double a, decimal b);

    [Cached]
    string Small(short a, byte b);

    [Cached]
    string Unsigned(uint a, ulong b);

    [Cached("f:{a}:{b}")]
    string Floats(float a, BigInteger b);

    [Cached("t:{at}")]
    string Stamp(DateTime at);

    [Cached]
    string Span(TimeSpan a, char b);

    [Cached("flag:{a}:{b}")]
    string Flag(bool a, Colour b);

    [Cached]
    string Shade(Colour colour);

    [Cached("any:{value}")]
    string Anything(object? value);

    [Cached]
    string Mixed(object? value, string? text);
}
