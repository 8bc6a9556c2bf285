using System.Reflection;
using System.Reflection.Emit;

namespace CacheAside.Tests.Keys;

/// <summary>
/// Type arguments — of a generic method, of a generic interface, a template's <c>{T}</c> — name the assembly of a type
/// that does not ship with .NET, as type tags do: types of one name in two assemblies never share a key.
/// </summary>
public sealed class TypeArgumentKeyTests
{
    private static readonly Type s_twin = EmitTwin(typeof(NamespaceA.Widget).FullName!, "WidgetTwins");

    [Test]
    public void GenericMethod_ClosedOverTypesOfOneNameFromTwoAssemblies_GetsDifferentDefaultKeys()
    {
        var get = typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.Get))!;

        var ours = KeyProbe.KeyOf(get.MakeGenericMethod(typeof(NamespaceA.Widget)), ["7"]);
        var twins = KeyProbe.KeyOf(get.MakeGenericMethod(s_twin), ["7"]);

        Assert.That(twins, Is.Not.EqualTo(ours));
        Assert.That(ours, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.Get<CacheAside.Tests.Keys.NamespaceA.Widget@CacheAside.Tests>(System.String):7}"));
    }

    [Test]
    public void TypePlaceholder_ClosedOverTypesOfOneNameFromTwoAssemblies_GetsDifferentKeys()
    {
        var typed = typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.Typed))!;

        var ours = KeyProbe.KeyOf(typed.MakeGenericMethod(typeof(NamespaceA.Widget)), ["7"]);
        var twins = KeyProbe.KeyOf(typed.MakeGenericMethod(s_twin), ["7"]);

        Assert.That(twins, Is.Not.EqualTo(ours));
        Assert.That(ours, Is.EqualTo("cacheaside:v1:{typed:7:CacheAside.Tests.Keys.NamespaceA.Widget@CacheAside.Tests}"));
    }

    [Test]
    public void GenericInterface_ClosedOverTypesOfOneNameFromTwoAssemblies_GetsDifferentKeys()
    {
        static (string Default, string Templated) Keys(Type argument)
        {
            var service = typeof(IKeyedRepository<>).MakeGenericType(argument);
            return (KeyProbe.KeyOf(service.GetMethod(nameof(IKeyedRepository<int>.GetDefault))!, [null]),
                KeyProbe.KeyOf(service.GetMethod(nameof(IKeyedRepository<int>.Get))!, [null]));
        }

        var ours = Keys(typeof(NamespaceA.Widget));
        var twins = Keys(s_twin);

        Assert.That(twins.Default, Is.Not.EqualTo(ours.Default), "default keys");
        Assert.That(twins.Templated, Is.Not.EqualTo(ours.Templated), "templates");
    }

    [Test]
    public void FrameworkTypeArguments_AreNamedWithoutAnAssembly()
    {
        var get = typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.Get))!;

        var key = KeyProbe.KeyOf(get.MakeGenericMethod(typeof(List<int>)), ["7"]);

        Assert.That(key, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.Get<System.Collections.Generic.List`1<System.Int32>>(System.String):7}"));
    }

    /// <summary>A public sealed class of <paramref name="fullName"/>, with one field, in a new assembly of its own.</summary>
    private static Type EmitTwin(string fullName, string assembly)
    {
        var module = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(assembly), AssemblyBuilderAccess.Run).DefineDynamicModule(assembly);
        var type = module.DefineType(fullName, TypeAttributes.Public | TypeAttributes.Sealed);
        type.DefineField("Id", typeof(int), FieldAttributes.Public);
        return type.CreateType();
    }
}
