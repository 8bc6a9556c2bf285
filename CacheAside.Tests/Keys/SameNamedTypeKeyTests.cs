namespace CacheAside.Tests.Keys;

/// <summary>
/// The types a default key is built around — the interface, each parameter's declared type — name the assembly of a
/// type that does not ship with .NET, as type arguments do: types of one name in two assemblies never share a key.
/// </summary>
public sealed class SameNamedTypeKeyTests
{
    [Test]
    public void Interface_OfOneNameInTwoAssemblies_GetsDifferentDefaultKeys()
    {
        var twin = TwinAssemblies.Interface(typeof(IKeyProbe).FullName!, "KeyProbeTwins", nameof(IKeyProbe.Find), typeof(int));

        var ours = KeyProbe.KeyOf(typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.Find), [typeof(int)])!, [7]);
        var twins = KeyProbe.KeyOf(twin.GetMethod(nameof(IKeyProbe.Find), [typeof(int)])!, [7]);

        Assert.That(twins, Is.Not.EqualTo(ours));
        Assert.That(twins, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@KeyProbeTwins.Find(System.Int32):7}"));
    }

    [Test]
    public void ParameterTypes_OfOneNameInTwoAssemblies_GetDifferentDefaultKeys()
    {
        var widget = TwinAssemblies.Class(typeof(NamespaceA.Widget).FullName!, "ParameterTwins");
        var lookup = TwinAssemblies.Interface("Lookups.IWidgetLookup", "WidgetLookups", "Find", typeof(NamespaceA.Widget), widget);

        var ours = KeyProbe.KeyOf(lookup.GetMethod("Find", [typeof(NamespaceA.Widget)])!, [new NamespaceA.Widget(7)]);
        var twins = KeyProbe.KeyOf(lookup.GetMethod("Find", [widget])!, [TwinAssemblies.Instance(widget, 7)]);

        Assert.That(twins, Is.Not.EqualTo(ours));
        Assert.That(ours, Is.EqualTo("cacheaside:v1:{Lookups.IWidgetLookup@WidgetLookups.Find(CacheAside.Tests.Keys.NamespaceA.Widget@CacheAside.Tests):[7]}"));
    }
}
