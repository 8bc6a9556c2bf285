using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Tests.Keys;

/// <summary>
/// Types whose names the compiler or the run time chose. The compiler names each anonymous type and closure of an
/// assembly apart (by its shape, or by the method it belongs to), so their tags tell them apart as any type's do. Types
/// emitted at run time are named by whatever emits them: two assemblies of one name can each hold a type of one name,
/// which no key can tell apart, so a value of the second is not keyed.
/// </summary>
public sealed class GeneratedTypeKeyTests
{
    private static readonly System.Reflection.MethodInfo s_findAny = typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.FindAny))!;

    [Test]
    public void AnonymousTypesOfTwoShapes_GetDifferentKeys_AndOneShapeSharesItsKey()
    {
        var id = KeyProbe.KeyOf(s_findAny, [new { Id = 1 }]);

        var (code, longId, again) = (KeyProbe.KeyOf(s_findAny, [new { Code = 1 }]), KeyProbe.KeyOf(s_findAny, [new { Id = 1L }]), KeyProbe.KeyOf(s_findAny, [new { Id = 1 }]));

        Assert.That(new[] { id, code, longId }, Is.Unique);
        Assert.That(again, Is.EqualTo(id));
    }

    [Test]
    public void ClosuresOfTwoMethods_GetDifferentKeys()
    {
        var first = KeyProbe.KeyOf(s_findAny, [Closures.First(1).Target]);

        var second = KeyProbe.KeyOf(s_findAny, [Closures.Second(1).Target]);

        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void TypeOfOneNameEmittedIntoTwoAssembliesOfOneName_IsNotKeyedAsTheOther()
    {
        var first = TwinAssemblies.Class("Emitted.Widget", "EmittedTwins");
        var second = TwinAssemblies.Class("Emitted.Widget", "EmittedTwins");
        var firstKey = KeyProbe.KeyOf(s_findAny, [TwinAssemblies.Instance(first, 7)]);

        var secondKey = () => KeyProbe.KeyOf(s_findAny, [TwinAssemblies.Instance(second, 7)]);

        Assert.That(firstKey, Does.EndWith("(Emitted.Widget@EmittedTwins)[7]}"));
        Assert.That(secondKey, Throws.TypeOf<KeyRenderException>().With.Message.Contains("Emitted.Widget@EmittedTwins"));
        Assert.That(KeyProbe.KeyOf(s_findAny, [TwinAssemblies.Instance(first, 7)]), Is.EqualTo(firstKey), "the first type keeps its key");
    }

    private static class Closures
    {
        public static Func<int> First(int value) => () => value;

        public static Func<int> Second(int value) => () => value + 1;
    }
}
