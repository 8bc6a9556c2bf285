namespace CacheAside.Tests.Keys;

/// <summary>Calls through two closings of one generic interface never share an entry.</summary>
public sealed class GenericInterfaceKeyTests
{
    [Test]
    public void TemplateNamingTheInterfacesTypeParameter_TellsClosingsApart()
    {
        var byInt = KeyProbe.KeyVia<IKeyedRepository<int>>(r => r.Get(1));

        var byString = KeyProbe.KeyVia<IKeyedRepository<string>>(r => r.Get("1"));

        Assert.That(byString, Is.Not.EqualTo(byInt));
        Assert.That(byInt, Is.EqualTo("cacheaside:v1:{get:System.Int32:1}"));
    }

    [Test]
    public void DefaultKey_TellsClosingsApart()
    {
        var byInt = KeyProbe.KeyVia<IKeyedRepository<int>>(r => r.GetDefault(1));

        var byString = KeyProbe.KeyVia<IKeyedRepository<string>>(r => r.GetDefault("1"));

        Assert.That(byString, Is.Not.EqualTo(byInt));
        Assert.That(byInt, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyedRepository`1@CacheAside.Tests<System.Int32>.GetDefault(System.Int32):1}"), "a method of a generic interface that is not generic itself keeps its key");
    }

    [Test]
    public void DefaultKeys_OfOverloadsThatOneClosingMakesAlike_Differ()
    {
        var byValue = KeyProbe.KeyOf(Find<int>("value"), [5]);

        var byId = KeyProbe.KeyOf(Find<int>("id"), [5]);

        Assert.That(byValue, Is.Not.EqualTo(byId));
        Assert.That(byValue, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.ITwinRepository`1@CacheAside.Tests<System.Int32>.Find(!0):5}"));
        Assert.That(byId, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.ITwinRepository`1@CacheAside.Tests<System.Int32>.Find(System.Int32):5}"));
        Assert.That(KeyProbe.KeyOf(Find<string>("value"), ["5"]), Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.ITwinRepository`1@CacheAside.Tests<System.String>.Find(System.String):5}"), "closings that keep them apart keep their keys");
    }

    [Test]
    public void ReadTemplateLeavingOutTheInterfacesTypeParameter_FailsTheBuild()
    {
        var method = typeof(Registration.IKeyedBy<string>).GetMethod(nameof(Registration.IKeyedBy<string>.Get))!;

        var problems = KeyProbe.ProblemsOf(method);

        Assert.That(problems, Is.EqualTo(new[]
        {
            "IKeyedBy<string>.Get(string): [Cached] key template \"get:{id}\" does not name the type parameter TKey of IKeyedBy<TKey>, so calls through IKeyedBy<TKey> with different TKey would share a key: add {TKey} to the template.",
        }));
    }

    private static System.Reflection.MethodInfo Find<T>(string parameter) =>
        typeof(ITwinRepository<T>).GetMethods().Single(m => m.GetParameters()[0].Name == parameter);
}
