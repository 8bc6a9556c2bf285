using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Tests.Keys;

/// <summary>Two registrations of one interface (keyed services, several implementations) never share default keys.</summary>
public sealed class DefaultKeyScopeTests
{
    private static readonly System.Reflection.MethodInfo s_find = typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.Find), [typeof(int)])!;

    [Test]
    public void WithoutAScope_TheKeyHasTheUnscopedForm()
    {
        var key = Build(scope: null);

        Assert.That(key, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.Find(System.Int32):7}"));
    }

    [Test]
    public void Scope_IsRenderedEscaped_AfterTheSignature()
    {
        var key = Build("eu:primary");

        Assert.That(key, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.Find(System.Int32)\\@eu\\:primary:7}"));
    }

    [TestCase("primary", "secondary")]
    [TestCase("primary", null)]
    [TestCase("", null)]
    [TestCase("a:b", "a")]
    [TestCase("(System.Int32)", null)]
    public void DifferentScopes_GetDifferentKeys(string? first, string? second)
    {
        var firstKey = Build(first);

        var secondKey = Build(second);

        Assert.That(secondKey, Is.Not.EqualTo(firstKey));
    }

    private static string Build(string? scope) =>
        new KeyBuilder("cacheaside:v1:", 256).Build(new DefaultKey(typeof(IKeyProbe), s_find, scope), [7]);
}
