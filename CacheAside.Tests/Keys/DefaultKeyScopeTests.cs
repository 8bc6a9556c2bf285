using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Registration;

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

    [TestCase("eu", "System.String=eu")]
    [TestCase(42, "System.Int32=42")]
    [TestCase(DayOfWeek.Monday, "System.DayOfWeek=Monday")]
    [TestCase("a:b", "System.String=a\\\\:b", TestName = "{m}(an escaped string)")]
    [TestCase(true, "System.Boolean=true")]
    public void ServiceKey_IsItsTypeAndItsValue_AsTheKeyLanguageRendersThem(object key, string expected)
    {
        var text = ProxyFactory.ServiceKey(key, out _);

        Assert.That(text, Is.EqualTo(expected));
    }

    [Test]
    public void ServiceKeysOfEqualState_ShareTheirText_AndOthersDoNot()
    {
        var eu = ProxyFactory.ServiceKey(new Registration.Tenant("eu"), out _);

        var (again, us) = (ProxyFactory.ServiceKey(new Registration.Tenant("eu"), out _), ProxyFactory.ServiceKey(new Registration.Tenant("us"), out _));

        Assert.That(again, Is.EqualTo(eu));
        Assert.That(us, Is.Not.EqualTo(eu));
    }

    [Test]
    public void AutofacsWildcardServiceKey_HasAText()
    {
        var text = ProxyFactory.ServiceKey(Autofac.Core.KeyedService.AnyKey, out _);

        Assert.That(text, Does.EndWith("=*"));
    }

    [Test]
    public void ServiceKeyToldApartOnlyByReference_HasNoText()
    {
        var text = ProxyFactory.ServiceKey(new Registration.Shard(), out var why);

        Assert.That(text, Is.Null);
        Assert.That(why, Does.Contain("told apart by reference"));
    }

    private static string Build(string? scope) =>
        new KeyBuilder("cacheaside:v1:", 256).Build(new DefaultKey(typeof(IKeyProbe), s_find, scope), [7]);
}
