using System.Text;
using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Tests.Keys;

/// <summary>
/// Every key is <c>prefix{body}</c> — one Redis Cluster hash tag, closed at the end — and a hashed key
/// (<c>prefix{start\#hash}</c>) can never be written by a short one.
/// </summary>
public sealed class KeyLayoutTests
{
    private const string Prefix = "cacheaside:v1:";

    [Test]
    public void Key_IsThePrefix_ThenTheBodyInOneHashTag()
    {
        var key = KeyProbe.KeyOf(p => p.Stock("eu", "a1"));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{stock:eu:a1}"));
    }

    [Test]
    public void EveryCharacterWithAMeaning_IsEscapedInValues()
    {
        var key = KeyProbe.KeyOf(p => p.FindText("\\:()[],{}#@^\uD800x\uDC00"));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{find:\\\\\\:\\(\\)\\[\\]\\,\\<\\>#@^\\uD800x\\uDC00}"));
    }

    [Test]
    public void NullAndEmptyText_HaveTokensOfTheirOwn()
    {
        Assert.That(KeyProbe.KeyOf(p => p.FindText(null)), Is.EqualTo("cacheaside:v1:{find:\\0}"));
        Assert.That(KeyProbe.KeyOf(p => p.FindText(string.Empty)), Is.EqualTo("cacheaside:v1:{find:\\e}"));
    }

    [Test]
    public void LiteralBracesOfATemplate_AreEscaped()
    {
        var key = KeyProbe.KeyOf(p => p.Set(42));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{set:\\<42\\>}"));
    }

    [TestCase("a{b")]
    [TestCase("}")]
    [TestCase("{{}}")]
    public void BracesInValues_NeverOpenOrCloseAHashTag(string value)
    {
        var key = KeyProbe.KeyOf(p => p.FindText(value));

        Assert.That(key.Count(c => c == '{'), Is.EqualTo(1));
        Assert.That(key.Count(c => c == '}'), Is.EqualTo(1));
        Assert.That(key, Does.StartWith(Prefix + "{").And.EndWith("}"));
    }

    [Test]
    public void UnpairedSurrogates_AreKeptApart_AndTheKeyIsValidUtf16()
    {
        var keys = new[] { "\uD800", "\uDBFF", "\uDC00", "\uFFFD", "\uD83D\uDE00" }.Select(s => KeyProbe.KeyOf(p => p.FindText(s))).ToArray();

        Assert.That(keys.Distinct().Count(), Is.EqualTo(keys.Length));
        Assert.That(keys.Select(RoundTripsThroughUtf8), Is.All.True, "Redis gets the key as UTF-8: nothing may be lost on the way");
    }

    [Test]
    public void OverLongKey_KeepsThePrefix_AStartCutBetweenTokens_AndTheHashInTheTag()
    {
        var colons = new string(':', 300);

        var key = KeyProbe.KeyOf(p => p.FindText(colons), maxKeyLength: 101);

        Assert.That(key, Has.Length.LessThanOrEqualTo(101));
        Assert.That(key, Does.Match(@"^cacheaside:v1:\{find:(\\:)+\\#[0-9a-f]{32}\}$"), "the start ends after a whole escape");
    }

    [Test]
    public void LongPrefix_IsNeverCut()
    {
        var prefix = new string('p', 150) + ":";

        var key = KeyProbe.KeyVia<IKeyProbe>(p => p.FindText(new string('x', 500)), maxKeyLength: 250, prefix: prefix);

        Assert.That(key, Does.StartWith(prefix + "{find:xxx"));
        Assert.That(key, Has.Length.LessThanOrEqualTo(250));
    }

    [Test]
    public void ShortValue_CannotWriteTheHashedKeyOfALongOne()
    {
        // The attack on the old form: render a long query, then pass its hashed key's own text as a short value.
        var hashed = KeyProbe.KeyOf(p => p.FindText(new string('q', 407)));
        var crafted = hashed["cacheaside:v1:{find:".Length..^1];
        var shorter = crafted[2..];

        var forged = KeyProbe.KeyOf(p => p.FindText(shorter));
        var forgedWhole = KeyProbe.KeyOf(p => p.FindText(crafted));

        Assert.That(hashed, Does.Match(@"q\\#[0-9a-f]{32}\}$"));
        Assert.That(forged, Has.Length.LessThan(256), "short enough to stay unhashed");
        Assert.That(forged, Does.EndWith("q\\\\#" + hashed[^33..]), "the value's backslash is escaped, so no \\# token comes out of it");
        Assert.That(new[] { forged, forgedWhole }, Has.None.EqualTo(hashed));
    }

    [Test]
    public void RenderedBody_IsWrappedInTheHashTag()
    {
        var builder = new KeyBuilder(Prefix, 256);

        var key = builder.Build("product:42");

        Assert.That(key, Is.EqualTo("cacheaside:v1:{product:42}"));
    }

    [TestCase("")]
    [TestCase("a{b")]
    [TestCase("a}b")]
    [TestCase("a\\#0123")]
    [TestCase("a\\q")]
    [TestCase("a\\")]
    public void TextRenderingNeverProduces_IsRefusedAsABody(string body)
    {
        var builder = new KeyBuilder(Prefix, 256);

        Assert.Throws<ArgumentException>(() => builder.Build(body));
    }

    [Test]
    public void UnpairedSurrogate_IsRefusedAsABody()
    {
        var builder = new KeyBuilder(Prefix, 256);

        Assert.Throws<ArgumentException>(() => builder.Build(new string(['a', '\uD800'])));
    }

    [TestCase("a{b:")]
    [TestCase("}")]
    public void PrefixWithABrace_IsRefused(string prefix)
    {
        Assert.Throws<ArgumentException>(() => _ = new KeyBuilder(prefix, 256));
    }

    private static bool RoundTripsThroughUtf8(string key) =>
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(key)) == key;
}
