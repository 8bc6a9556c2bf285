using System.Text;
using CacheAside.Interception.Internal.Keys;
using CsCheck;

namespace CacheAside.Tests.Keys;

/// <summary>
/// The forms the build-time check compares templates by hold every text rendering writes, so the check never
/// misses two templates that meet; and they are narrow enough that a number never looks like a word.
/// </summary>
public sealed class KeyLanguageTests
{
    [Test]
    public void RenderedValues_AreInTheFormsOfTheirDeclaredTypes()
    {
        AssertInForm(GeneratedValues.ShortText.Null(0.1));
        AssertInForm(GeneratedValues.LongText);
        AssertInForm(Gen.Char);
        AssertInForm(Gen.Bool);
        AssertInForm(Gen.Int);
        AssertInForm(Gen.Long);
        AssertInForm(Gen.ULong);
        AssertInForm(Gen.Byte);
        AssertInForm(Gen.Double);
        AssertInForm(Gen.OneOf(Gen.Const(double.NaN), Gen.Const(double.NegativeInfinity), Gen.Const(-0.0), Gen.Const(1e16), Gen.Const(1e-7)));
        AssertInForm(Gen.Float);
        AssertInForm(Gen.Decimal);
        AssertInForm(Gen.DateTime);
        AssertInForm(Gen.DateTimeOffset);
        AssertInForm(Gen.Long.Select(t => new TimeSpan(t)));
        AssertInForm(Gen.DateOnly);
        AssertInForm(Gen.TimeOnly);
        AssertInForm(Gen.Guid);
        AssertInForm(Gen.Int[0, 9].Array[1, 4].Select(parts => new Version(parts[0], parts.Length > 1 ? parts[1] : 0)));
        AssertInForm(Gen.Int[-3, 10].Select(i => (DayOfWeek)i));
        AssertInForm(Gen.Int.Select(i => (AttributeTargets)i));
        AssertInForm(Gen.Int.Array[0, 3]);
        AssertInForm(Gen.Int.Select(i => i % 3 == 0 ? (int?)null : i));
        AssertInForm(Gen.Select(GeneratedValues.ShortText, Gen.Int).Select(p => new Named(p.Item1, p.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        AssertInForm(GeneratedValues.Value(2));
    }

    [TestCase(typeof(string), "featured", ExpectedResult = "p:featured")]
    [TestCase(typeof(string), "a:b", ExpectedResult = null)]
    [TestCase(typeof(int), "featured", ExpectedResult = null)]
    [TestCase(typeof(int), "-12", ExpectedResult = "p:-12")]
    [TestCase(typeof(uint), "-12", ExpectedResult = null)]
    [TestCase(typeof(Guid), "current", ExpectedResult = null)]
    [TestCase(typeof(Guid), "deadbeef", ExpectedResult = null)]
    [TestCase(typeof(DateOnly), "today", ExpectedResult = null)]
    [TestCase(typeof(DayOfWeek), "latest", ExpectedResult = null)]
    [TestCase(typeof(DayOfWeek), "Monday", ExpectedResult = "p:Monday")]
    [TestCase(typeof(object), "(x)", ExpectedResult = "p:(x)")]
    [TestCase(typeof(int[]), "[1]", ExpectedResult = "p:[1]")]
    [TestCase(typeof(int[]), "[1]:x", ExpectedResult = null)]
    [TestCase(typeof(object), "(x):y", ExpectedResult = null)]
    [TestCase(typeof(int?), "\\0", ExpectedResult = "p:\\0")]
    [TestCase(typeof(int), "\\0", ExpectedResult = null)]
    public string? Placeholder_MeetsALiteral_ExactlyWhereItsValuesCanRenderIt(Type declared, string literal)
    {
        var placeholder = KeyLanguage.Sequence(KeyLanguage.Text("p:"), ValueForms.Of(declared, canBeNull: false));

        return KeyLanguage.Shared(placeholder, KeyLanguage.Text("p:" + literal));
    }

    [Test]
    public void TwoPlaceholders_MeetWhereTheirFormsOverlap()
    {
        var text = KeyLanguage.Sequence(KeyLanguage.Text("p:v"), ValueForms.Of(typeof(string), canBeNull: false));
        var number = KeyLanguage.Sequence(KeyLanguage.Text("p:"), ValueForms.Of(typeof(int), canBeNull: false));
        var guid = KeyLanguage.Sequence(KeyLanguage.Text("p:"), ValueForms.Of(typeof(Guid), canBeNull: false));

        Assert.That(KeyLanguage.Shared(text, KeyLanguage.Sequence(KeyLanguage.Text("p:"), ValueForms.Of(typeof(string), canBeNull: false))), Does.StartWith("p:v"));
        Assert.That(KeyLanguage.Shared(text, number), Is.Null);
        Assert.That(KeyLanguage.Shared(number, guid), Is.Null);
    }

    [Test]
    public void PropertyPathThatMeetsANullOnItsWay_RendersInTheFormOfItsPlaceholder()
    {
        var template = (KeyTemplate)KeyProbe.Renderer(typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.HolderValue))!);
        var key = KeyProbe.KeyOf(p => p.HolderValue(null!));

        var body = key["cacheaside:v1:{".Length..^1];

        Assert.That(KeyLanguage.Shared(template.Language, KeyLanguage.Text(body)), Is.EqualTo(body));
    }

    private static void AssertInForm<T>(Gen<T> values) => values.Sample(value =>
    {
        var writer = new KeyWriter(new StringBuilder());
        new KeySlot(typeof(T)).Write(writer, value);
        var text = writer.Builder.ToString();

        Assert.That(KeyLanguage.Shared(KeyLanguage.Text(text), ValueForms.Of(typeof(T), canBeNull: false)), Is.EqualTo(text), $"{typeof(T).Name}: {text}");
    }, iter: 200, threads: 1);
}
