using System.Globalization;
using System.Reflection;
using CacheAside.Interception.Internal.Keys;
using CsCheck;

namespace CacheAside.Tests.Keys;

/// <summary>
/// Keys hold, for generated arguments: two values share a key exactly when they are the same value
/// (injective and deterministic), whatever the culture; every key is one closed hash tag; and a hashed key is
/// never a body any value renders.
/// </summary>
public sealed class KeyPropertyTests
{
    private const string Prefix = "cacheaside:v1:";

    private static readonly KeyRenderer s_default = Renderer(nameof(IKeyProbe.FindAny));
    private static readonly KeyRenderer s_template = Renderer(nameof(IKeyProbe.FindTemplated));
    private static readonly KeyRenderer s_textTemplate = Renderer(nameof(IKeyProbe.FindText));
    private static readonly KeyRenderer s_pairTemplate = Renderer(nameof(IKeyProbe.Pair));
    private static readonly KeyRenderer s_singleTemplate = Renderer(nameof(IKeyProbe.Single));
    private static readonly KeyRenderer s_pairDefault = KeyProbe.Renderer(typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.Find), [typeof(string), typeof(string)])!);

    private static readonly CultureInfo[] s_cultures =
        new[] { "de-DE", "tr-TR", "fr-FR", "ar-SA", "fa-IR", "th-TH", "ja-JP", "sv-SE" }.Select(CultureInfo.GetCultureInfo).ToArray();

    private static readonly Gen<List<object?>> s_batches = GeneratedValues.Value(2).List[2, 24];

    [TestCase(256)]
    [TestCase(96)]
    public void KeysAreEqual_ExactlyWhenTheValuesAreTheSame(int maxKeyLength)
    {
        var builder = new KeyBuilder(Prefix, maxKeyLength);

        s_batches.Sample(values =>
        {
            foreach (var renderer in new[] { s_default, s_template })
            {
                var keys = values.Select(v => builder.Build(renderer, [v])).ToArray();
                for (var i = 0; i < values.Count; i++)
                {
                    for (var j = i + 1; j < values.Count; j++)
                    {
                        if (string.Equals(keys[i], keys[j], StringComparison.Ordinal) != GeneratedValues.Same(values[i], values[j]))
                        {
                            Assert.Fail($"{Describe(values[i])} and {Describe(values[j])} got the keys {keys[i]} and {keys[j]}.");
                        }
                    }
                }
            }
        }, iter: 400, threads: 1);
    }

    [Test]
    public void TheSameTextSplitElsewhere_NeverSharesAKey()
    {
        var builder = new KeyBuilder(Prefix, 256);
        var parts = Gen.Char["a,:\\{}()[]"].Array[0, 3].Select(c => new string(c));

        Gen.Select(parts, parts, Gen.OneOf(",", ":", "\\", "(", "[")).Sample((first, second, separator) =>
        {
            var joined = first + separator + second;
            var renderings = new Func<string?, string?, string>[]
            {
                (a, b) => builder.Build(s_pairTemplate, [a, b]),
                (a, b) => builder.Build(s_pairDefault, [a, b]),
                (a, b) => builder.Build(s_default, [new Named(a, b)]),
                (a, b) => builder.Build(s_default, [new[] { a, b }]),
                (a, b) => builder.Build(s_default, [new List<string?> { a, b }]),
            };

            for (var at = joined.IndexOf(separator, StringComparison.Ordinal); at >= 0; at = joined.IndexOf(separator, at + 1, StringComparison.Ordinal))
            {
                var (otherFirst, otherSecond) = (joined[..at], joined[(at + separator.Length)..]);
                if (otherFirst == first && otherSecond == second)
                {
                    continue;
                }

                foreach (var render in renderings)
                {
                    Assert.That(render(otherFirst, otherSecond), Is.Not.EqualTo(render(first, second)), $"\"{first}\" + \"{second}\" and \"{otherFirst}\" + \"{otherSecond}\"");
                }
            }

            Assert.That(builder.Build(s_default, [new[] { joined }]), Is.Not.EqualTo(builder.Build(s_default, [new[] { first, second }])));
            Assert.That(builder.Build(s_singleTemplate, [joined]), Is.Not.EqualTo(builder.Build(s_pairTemplate, [first, second])));
        }, iter: 2000, threads: 1);
    }

    [Test]
    public void NameValueCollections_ShareAKey_ExactlyWhenTheyHoldTheSameNamesAndValues()
    {
        var builder = new KeyBuilder(Prefix, 256);
        var renderer = Renderer(nameof(IKeyProbe.Query));
        var entries = Gen.Select(Gen.OneOf(Gen.Const("q"), Gen.Const("Q"), Gen.Const("p"), Gen.Const(":")), GeneratedValues.ShortText.Null(0.2)).List[0, 4];

        entries.List[2, 12].Sample(batch =>
        {
            var collections = batch.Select(ToCollection).ToArray();
            var keys = collections.Select(c => builder.Build(renderer, [c])).ToArray();
            for (var i = 0; i < keys.Length; i++)
            {
                for (var j = i + 1; j < keys.Length; j++)
                {
                    Assert.That(string.Equals(keys[i], keys[j], StringComparison.Ordinal), Is.EqualTo(SameContents(collections[i], collections[j])), $"{keys[i]} and {keys[j]}");
                }
            }
        }, iter: 300, threads: 1);
    }

    [Test]
    public void Keys_AreTheSameUnderEveryCulture()
    {
        var builder = new KeyBuilder(Prefix, 256);

        Gen.Select(s_batches, Gen.Int[0, s_cultures.Length - 1]).Sample((values, culture) =>
        {
            var invariant = Under(CultureInfo.InvariantCulture, () => values.Select(v => builder.Build(s_default, [v])).ToArray());

            var local = Under(s_cultures[culture], () => values.Select(v => builder.Build(s_default, [v])).ToArray());

            Assert.That(local, Is.EqualTo(invariant), s_cultures[culture].Name);
        }, iter: 200, threads: 1);
    }

    [TestCase(256)]
    [TestCase(96)]
    public void EveryKey_IsOneClosedHashTag_HashedExactlyWhenTooLong_WithTheMarkerOnlyBeforeTheHash(int maxKeyLength)
    {
        var builder = new KeyBuilder(Prefix, maxKeyLength);
        var unlimited = new KeyBuilder(Prefix, 1 << 22);

        s_batches.Sample(values =>
        {
            foreach (var (value, renderer) in values.SelectMany(v => new[] { (v, s_default), (v, s_template) }))
            {
                var key = builder.Build(renderer, [value]);
                var whole = unlimited.Build(renderer, [value]);

                Assert.That(key.IndexOf('{', StringComparison.Ordinal), Is.EqualTo(Prefix.Length), key);
                Assert.That(key.Count(c => c == '{') + key.Count(c => c == '}'), Is.EqualTo(2), key);
                Assert.That(key, Does.EndWith("}"));
                var tokens = Tokens(Body(key));
                if (whole.Length <= maxKeyLength)
                {
                    Assert.That(key, Is.EqualTo(whole));
                    Assert.That(tokens, Has.No.EqualTo("\\#"), "only hashing writes the marker: " + key);
                }
                else
                {
                    Assert.That(key, Has.Length.LessThanOrEqualTo(maxKeyLength).And.Length.GreaterThan(maxKeyLength - 6), "the start uses the room there is");
                    Assert.That(tokens, Has.Count.GreaterThan(33));
                    Assert.That(tokens[^33], Is.EqualTo("\\#"), "the marker is a whole token, after a start cut between tokens: " + key);
                    Assert.That(string.Concat(tokens.TakeLast(32)), Does.Match("^[0-9a-f]{32}$"));
                    Assert.That(Body(whole), Does.StartWith(string.Concat(tokens.SkipLast(33))), "the start is the key's own start");
                }
            }
        }, iter: 300, threads: 1);
    }

    [Test]
    public void HashedKey_IsNeverWrittenByAnotherValue()
    {
        var builder = new KeyBuilder(Prefix, 96);
        var longText = Gen.OneOf(GeneratedValues.LongText, Gen.Char["ab"].Array[150, 320].Select(c => new string(c)));

        Gen.Select(longText, GeneratedValues.ShortText).Sample((text, suffix) =>
        {
            // A string parameter renders bare, so its text is what an attacker would copy from the hashed key.
            var hashed = builder.Build(s_textTemplate, [text]);
            var copied = Body(hashed)["find:".Length..];
            var attempts = new[] { copied, copied + suffix, copied[..^1], suffix + copied };

            foreach (var attempt in attempts)
            {
                Assert.That(builder.Build(s_textTemplate, [attempt]), Is.Not.EqualTo(hashed), attempt);
            }
        }, iter: 300, threads: 1);
    }

    private static System.Collections.Specialized.NameValueCollection ToCollection(List<(string Name, string? Value)> entries)
    {
        var collection = new System.Collections.Specialized.NameValueCollection();
        foreach (var (name, value) in entries)
        {
            collection.Add(name, value);
        }

        return collection;
    }

    /// <summary>The same names in the same order, each with the same values (names compare as the collection compares them).</summary>
    private static bool SameContents(System.Collections.Specialized.NameValueCollection a, System.Collections.Specialized.NameValueCollection b) =>
        a.Count == b.Count && Enumerable.Range(0, a.Count).All(i =>
            a.GetKey(i) == b.GetKey(i) && (a.GetValues(i), b.GetValues(i)) switch
            {
                (null, null) => true,
                ({ } x, { } y) => x.SequenceEqual(y, StringComparer.Ordinal),
                _ => false,
            });

    private static string Body(string key) => key[(Prefix.Length + 1)..^1];

    private static KeyRenderer Renderer(string name) =>
        KeyProbe.Renderer(typeof(IKeyProbe).GetMethod(name, BindingFlags.Public | BindingFlags.Instance)!);

    private static T Under<T>(CultureInfo culture, Func<T> render)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            return render();
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    /// <summary>The body's tokens, read by this test's own rules: <c>\</c> and one character, <c>\u</c> and four hex digits, <c>\^</c> and digits.</summary>
    private static List<string> Tokens(string body)
    {
        var tokens = new List<string>();
        for (var i = 0; i < body.Length;)
        {
            var length = 1;
            if (body[i] == '\\')
            {
                Assert.That(i + 1, Is.LessThan(body.Length), "a body never ends in a lone backslash: " + body);
                length = body[i + 1] switch
                {
                    'u' => 6,
                    '^' => 2 + body.Skip(i + 2).TakeWhile(char.IsAsciiDigit).Count(),
                    _ => 2,
                };
            }
            else if (char.IsSurrogate(body[i]))
            {
                Assert.That(char.IsHighSurrogate(body[i]) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]), Is.True, "no unpaired surrogate reaches Redis: " + body);
                length = 2;
            }

            tokens.Add(body.Substring(i, length));
            i += length;
        }

        return tokens;
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"\"{string.Concat(text.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:X4}" : c.ToString()))}\" (string)",
        System.Collections.IEnumerable sequence => $"{value.GetType().Name}[{string.Join(", ", sequence.Cast<object?>().Select(Describe))}]",
        _ => $"{value} ({value.GetType().Name})",
    };
}
