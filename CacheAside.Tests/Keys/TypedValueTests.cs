using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;

namespace CacheAside.Tests.Keys;

/// <summary>Where the declared type does not fix the runtime type, the key carries the runtime type.</summary>
public sealed class TypedValueTests
{
    private static IEnumerable<TestCaseData> ValuesThatLookAlike()
    {
        yield return Pair("int and string", p => p.FindTemplated(1), p => p.FindTemplated("1"));
        yield return Pair("int and long", p => p.FindTemplated(1), p => p.FindTemplated(1L));
        yield return Pair("bool and its text", p => p.FindTemplated(true), p => p.FindTemplated("True"));
        yield return Pair("bool and its lower-case text", p => p.FindTemplated(true), p => p.FindTemplated("true"));
        yield return Pair("members of two enums", p => p.FindTemplated(Colour.Red), p => p.FindTemplated(Size.Red));
        yield return Pair("enum member and its name", p => p.FindTemplated(Colour.Red), p => p.FindTemplated("Red"));
        yield return Pair("null and the null token's text", p => p.FindTemplated(null), p => p.FindTemplated("\\0"));
        yield return Pair("property path ending in object", p => p.HolderValue(new Holder { Value = 1 }), p => p.HolderValue(new Holder { Value = "1" }));
        yield return Pair("elements of a list of object", p => p.Items(new List<object?> { 1 }), p => p.Items(new List<object?> { "1" }));
        yield return Pair("collection types behind an interface", p => p.Items(new List<object?> { 1 }), p => p.Items(new object?[] { 1 }));
        yield return Pair("a typed value and text that spells it", p => p.FindTemplated("1"), p => p.FindText("(System.String)1"));
    }

    [TestCaseSource(nameof(ValuesThatLookAlike))]
    public void ValuesOfDifferentTypes_GetDifferentKeys(Expression<Action<IKeyProbe>> first, Expression<Action<IKeyProbe>> second)
    {
        var firstKey = KeyProbe.KeyOf(first);

        var secondKey = KeyProbe.KeyOf(second);

        Assert.That(secondKey, Is.Not.EqualTo(firstKey));
    }

    [Test]
    public void ObjectParameter_RendersTheTypeTagBeforeTheValue()
    {
        var key = KeyProbe.KeyOf(p => p.FindTemplated(42));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{find:(System.Int32)42}"));
    }

    [Test]
    public void DeclaredTypeThatFixesTheRuntimeType_RendersTheValueBare()
    {
        var key = KeyProbe.KeyOf(p => p.FindText("42"));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{find:42}"));
    }

    [Test]
    public void TextThatLooksLikeATag_IsEscaped()
    {
        var key = KeyProbe.KeyOf(p => p.FindText("(System.Int32)42"));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{find:\\(System.Int32\\)42}"));
    }

    [Test]
    public void TypesOfOneNameFromTwoAssemblies_GetDifferentKeys()
    {
        var first = Money("ContractsV1", 5);
        var second = Money("ContractsV2", 5);

        var firstKeys = (KeyProbe.KeyOf(p => p.FindTemplated(first)), KeyProbe.KeyOf(p => p.FindTemplated(first.GetType())));
        var secondKeys = (KeyProbe.KeyOf(p => p.FindTemplated(second)), KeyProbe.KeyOf(p => p.FindTemplated(second.GetType())));

        Assert.That(secondKeys.Item1, Is.Not.EqualTo(firstKeys.Item1), "values");
        Assert.That(secondKeys.Item2, Is.Not.EqualTo(firstKeys.Item2), "types");
        Assert.That(firstKeys.Item1, Is.EqualTo("cacheaside:v1:{find:(Contracts.Money@ContractsV1)[5]}"));
    }

    [Test]
    public void TypeTag_NamesTheAssemblyOfTypesThatDoNotShipWithDotNet()
    {
        var key = KeyProbe.KeyOf(p => p.FindTemplated(new List<NamespaceA.Widget> { new(1) }));

        Assert.That(key, Is.EqualTo("cacheaside:v1:{find:(System.Collections.Generic.List`1<CacheAside.Tests.Keys.NamespaceA.Widget@CacheAside.Tests>)[[1]]}"));
    }

    /// <summary>An instance of a class named Contracts.Money with one field, Amount, in a new assembly of its own.</summary>
    private static object Money(string assembly, int amount)
    {
        var module = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(assembly), AssemblyBuilderAccess.Run).DefineDynamicModule(assembly);
        var type = module.DefineType("Contracts.Money", TypeAttributes.Public | TypeAttributes.Sealed);
        type.DefineField("Amount", typeof(int), FieldAttributes.Public);
        var money = Activator.CreateInstance(type.CreateType())!;
        money.GetType().GetField("Amount")!.SetValue(money, amount);
        return money;
    }

    private static TestCaseData Pair(string name, Expression<Action<IKeyProbe>> first, Expression<Action<IKeyProbe>> second) =>
        new TestCaseData(first, second).SetArgDisplayNames(name);
}
