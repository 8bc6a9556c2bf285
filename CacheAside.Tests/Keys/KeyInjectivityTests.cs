using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace CacheAside.Tests.Keys;

/// <summary>Two different calls never share a key; the same call always gets the same key.</summary>
public sealed class KeyInjectivityTests
{
    private static IEnumerable<TestCaseData> DifferentCalls()
    {
        yield return Pair("overloads: int and long", p => p.Find(1), p => p.Find(1L));
        yield return Pair("overloads: int and string", p => p.Find(1), p => p.Find("1"));
        yield return Pair("null and empty string", p => p.Find(null), p => p.Find(string.Empty));
        yield return Pair("null and the text of the null token", p => p.Find(null), p => p.Find("\\0"));
        yield return Pair("\"a:b\" and (\"a\", \"b\")", p => p.Find("a:b"), p => p.Find("a", "b"));
        yield return Pair("template: (\"a:b\", \"c\") and (\"a\", \"b:c\")", p => p.Pair("a:b", "c"), p => p.Pair("a", "b:c"));
        yield return Pair("template: one value \"a:b\" and two values a, b", p => p.Single("a:b"), p => p.Pair("a", "b"));
        yield return Pair("template: backslash before the separator", p => p.Pair("a\\", "b"), p => p.Pair("a", "\\b"));
        yield return Pair("template: null and \"\" in a property", p => p.Orders(new Registration.OrderQuery(1, null!)), p => p.Orders(new Registration.OrderQuery(1, string.Empty)));
        yield return Pair("template: null argument and null property", p => p.Orders(null), p => p.Orders(new Registration.OrderQuery(0, null!)));
        yield return Pair("template: null argument and null at the end of its path", p => p.HolderValue(null!), p => p.HolderValue(new Holder()));
        yield return Pair("case", p => p.Find("Widget"), p => p.Find("widget"));
        yield return Pair("generic methods", p => p.Get<NamespaceA.Widget>("1"), p => p.Get<NamespaceB.Widget>("1"));
        yield return Pair("generic methods with a template", p => p.Typed<NamespaceA.Widget>("1"), p => p.Typed<NamespaceB.Widget>("1"));
        yield return Pair("types of one name in two namespaces", p => p.Widget(new NamespaceA.Widget(1)), p => p.Widget(new NamespaceB.Widget(1)));
        yield return Pair("object parameter: 1 and \"1\"", p => p.FindAny(1), p => p.FindAny("1"));
        yield return Pair("arrays", p => p.Many(new[] { 1, 2 }), p => p.Many(new[] { 12 }));
        yield return Pair("arrays of one element and two", p => p.Many(new[] { 1 }), p => p.Many(new[] { 1, 1 }));
        yield return Pair("decimals", p => p.Price(1.5m), p => p.Price(15m));
        yield return Pair("instants", p => p.At(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)), p => p.At(new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc)));
    }

    [TestCaseSource(nameof(DifferentCalls))]
    public void DifferentCalls_GetDifferentKeys(Expression<Action<IKeyProbe>> first, Expression<Action<IKeyProbe>> second)
    {
        var firstKey = KeyProbe.KeyOf(first);
        var secondKey = KeyProbe.KeyOf(second);

        Assert.That(firstKey, Is.Not.EqualTo(secondKey));
    }

    [TestCase("de-DE")]
    [TestCase("en-US")]
    [TestCase("fr-FR")]
    [TestCase("tr-TR")]
    public void Keys_DoNotDependOnTheCurrentCulture(string culture)
    {
        var invariant = RenderUnder(CultureInfo.InvariantCulture);

        var local = RenderUnder(CultureInfo.GetCultureInfo(culture));

        Assert.That(local, Is.EqualTo(invariant));
    }

    [Test]
    public void Keys_DoNotDependOnTheCurrentCulturesNegativeSign()
    {
        var invariant = RenderUnder(CultureInfo.InvariantCulture);
        var minus = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        minus.NumberFormat.NegativeSign = "\u2212";

        var local = RenderUnder(minus);

        Assert.That(local, Is.EqualTo(invariant));
        Assert.That(invariant, Does.Contain(":[[-3,1,-1,2],0,0]}").And.Contain(")-5}"), "a lower bound and an enum value without a name, both negative");
    }

    [Test]
    public void EqualDecimals_ShareAKey_WhateverTheirScale()
    {
        var key = KeyProbe.KeyOf(p => p.Price(1.5m));

        Assert.That(KeyProbe.KeyOf(p => p.Price(1.50m)), Is.EqualTo(key));
    }

    [Test]
    public void CancellationToken_IsNotPartOfTheKey()
    {
        using var source = new CancellationTokenSource();

        var withToken = KeyProbe.KeyOf(p => p.WithToken(7, source.Token));
        var withNone = KeyProbe.KeyOf(p => p.WithToken(7, CancellationToken.None));

        Assert.That(withToken, Is.EqualTo(withNone));
        Assert.That(withToken, Does.EndWith(":7}"));
    }

    [Test]
    public void DefaultKey_NamesTheInterfaceMethodParameterTypesAndValues()
    {
        var key = KeyProbe.KeyOf(p => p.Find("a:b", null));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.Find(System.String,System.String):a\\:b:\\0}"));
    }

    [Test]
    public void DefaultKeys_OfGenericOverloadsThatCloseToOneSignature_Differ()
    {
        var byValue = KeyProbe.KeyOf(Describe("value").MakeGenericMethod(typeof(int)), [5]);

        var byId = KeyProbe.KeyOf(Describe("id").MakeGenericMethod(typeof(int)), [5]);

        Assert.That(byValue, Is.Not.EqualTo(byId));
        Assert.That(byValue, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.Describe<System.Int32>(!!0):5}"));
        Assert.That(byId, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.Describe<System.Int32>(System.Int32):5}"));
    }

    [Test]
    public void TemplateKey_RendersParametersAndPropertyPaths()
    {
        var key = KeyProbe.KeyOf(p => p.Orders(new Registration.OrderQuery(42, "eu:west")));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{order:42:eu\\:west}"));
    }

    [Test]
    public void TemplateKey_TellsANullOnAPropertyPathFromANullAtItsEnd()
    {
        var atItsEnd = KeyProbe.KeyOf(p => p.HolderValue(new Holder()));

        var onItsWay = KeyProbe.KeyOf(p => p.HolderValue(null!));

        Assert.That(atItsEnd, Is.EqualTo("cacheaside:v1:{holder:\\0}"));
        Assert.That(onItsWay, Is.EqualTo("cacheaside:v1:{holder:\\0\\.}"));
    }

    [Test]
    public void TemplateKey_OfAGenericMethod_NamesTheTypeArgument()
    {
        var key = KeyProbe.KeyOf(p => p.Typed<NamespaceA.Widget>("1"));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{typed:1:CacheAside.Tests.Keys.NamespaceA.Widget@CacheAside.Tests}"));
    }

    [Test]
    public void LongKey_KeepsAReadableStart_AndEndsWithAHashOfTheWholeKey()
    {
        var longValue = new string('x', 500);

        var first = KeyProbe.KeyOf(p => p.Find(longValue + "1"), maxKeyLength: 128);
        var second = KeyProbe.KeyOf(p => p.Find(longValue + "2"), maxKeyLength: 128);

        Assert.That(first, Has.Length.EqualTo(128));
        Assert.That(first, Does.StartWith("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.Find(System.String):xxx"));
        Assert.That(first, Does.Match(@"^[^{}]*\{[^{}]*\\#[0-9a-f]{32}\}$"));
        Assert.That(first, Is.Not.EqualTo(second));
    }

    private static MethodInfo Describe(string parameter) =>
        typeof(IKeyProbe).GetMethods().Single(m => m.Name == nameof(IKeyProbe.Describe) && m.GetParameters()[0].Name == parameter);

    private static string RenderUnder(CultureInfo culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            return string.Join(
                "|",
                KeyProbe.KeyOf(p => p.Price(1234.5m)),
                KeyProbe.KeyOf(p => p.At(new DateTime(2026, 11, 29, 13, 45, 0, DateTimeKind.Utc))),
                KeyProbe.KeyOf(p => p.FindAny(0.1d)),
                KeyProbe.KeyOf(p => p.Find("I")),
                KeyProbe.KeyOf(p => p.Grid((int[,])Array.CreateInstance(typeof(int), new[] { 1, 2 }, new[] { -3, -1 }))),
                KeyProbe.KeyOf(p => p.FindAny((Colour)(-5))));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static TestCaseData Pair(string name, Expression<Action<IKeyProbe>> first, Expression<Action<IKeyProbe>> second) =>
        new TestCaseData(first, second).SetArgDisplayNames(name);
}
