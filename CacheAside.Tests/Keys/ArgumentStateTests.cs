using System.Collections.Specialized;
using System.Net;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Keys;

/// <summary>
/// Arguments are rendered from the state that makes them equal — every instance field, public and private,
/// collections element by element — never from what a serializer shows of them.
/// </summary>
public sealed class ArgumentStateTests
{
    [Test]
    public void JsonIgnoredMember_IsPartOfTheKey()
    {
        var tenant1 = KeyProbe.KeyOf(p => p.Tenant(new TenantQuery { Term = "shoes", TenantId = 1 }));

        var tenant2 = KeyProbe.KeyOf(p => p.Tenant(new TenantQuery { Term = "shoes", TenantId = 2 }));

        Assert.That(tenant2, Is.Not.EqualTo(tenant1));
    }

    [Test]
    public void JsonIgnoredMember_IsPartOfATemplateKeyNamingTheWholeArgument()
    {
        var tenant1 = KeyProbe.KeyOf(p => p.TenantTemplated(new TenantQuery { Term = "shoes", TenantId = 1 }));

        var tenant2 = KeyProbe.KeyOf(p => p.TenantTemplated(new TenantQuery { Term = "shoes", TenantId = 2 }));

        Assert.That(tenant2, Is.Not.EqualTo(tenant1));
        Assert.That(tenant1, Is.EqualTo("cacheaside:v1:{tenant:[1,shoes]}"), "backing fields in name order: <TenantId>, <Term>");
    }

    [Test]
    public void PublicField_IsPartOfTheKey()
    {
        var page1 = KeyProbe.KeyOf(p => p.Page(new PagedQuery { Term = "shoes", Page = 1 }));

        var page2 = KeyProbe.KeyOf(p => p.Page(new PagedQuery { Term = "shoes", Page = 2 }));

        Assert.That(page2, Is.Not.EqualTo(page1));
    }

    [Test]
    public void PrivateFields_OfTheTypeAndItsBase_ArePartOfTheKey()
    {
        var key = KeyProbe.KeyOf(p => p.Login(new Credentials("acme", "bob")));

        Assert.That(KeyProbe.KeyOf(p => p.Login(new Credentials("globex", "bob"))), Is.Not.EqualTo(key), "the base's private field");
        Assert.That(KeyProbe.KeyOf(p => p.Login(new Credentials("acme", "alice"))), Is.Not.EqualTo(key), "the type's own private field");
        Assert.That(KeyProbe.KeyOf(p => p.Login(new Credentials("acme", "bob"))), Is.EqualTo(key), "equal state, equal key");
    }

    [Test]
    public void FieldsOfACollectionSubclass_ArePartOfTheKey()
    {
        var page1 = KeyProbe.KeyOf(p => p.Paged(new PagedIds { 1, 2 }));

        var page2 = KeyProbe.KeyOf(p => p.Paged(new PagedIds { Page = 2 }.Also(1, 2)));

        Assert.That(page2, Is.Not.EqualTo(page1));
        Assert.That(page1, Does.EndWith(":[[1,2],0]}"));
    }

    [Test]
    public void NameValueCollection_IsKeyedByItsNamesAndAllTheirValues()
    {
        var (qa, qb, qab) = (QueryString(("q", "a")), QueryString(("q", "b")), QueryString(("q", "a"), ("q", "b")));

        var a = KeyProbe.KeyOf(p => p.Query(qa));
        var b = KeyProbe.KeyOf(p => p.Query(qb));
        var both = KeyProbe.KeyOf(p => p.Query(qab));

        Assert.That(b, Is.Not.EqualTo(a));
        Assert.That(both, Is.Not.EqualTo(a).And.Not.EqualTo(b));
        Assert.That(a, Is.EqualTo("cacheaside:v1:{query:[[q,[a]]]}"));
        Assert.That(both, Is.EqualTo("cacheaside:v1:{query:[[q,[a,b]]]}"));
    }

    [Test]
    public void NameValueCollection_NameWithoutValues_AndNameWithANullValue_Differ()
    {
        var added = new NameValueCollection();
        added.Add("q", null);
        var set = new NameValueCollection();
        set.Set("q", null);

        Assert.That(KeyProbe.KeyOf(p => p.Query(set)), Is.Not.EqualTo(KeyProbe.KeyOf(p => p.Query(added))));
    }

    [Test]
    public void QueryStringsThatDifferOnlyInAValue_AreTwoEntries()
    {
        var source = new SearchSource();
        using var harness = CacheAsideHarness<ISearchRepository>.Create(source);

        var first = harness.Service.Search(new NameValueCollection { ["q"] = "a" });
        var second = harness.Service.Search(new NameValueCollection { ["q"] = "b" });

        Assert.That((first, second), Is.EqualTo(("a", "b")));
        Assert.That(source.Calls, Is.EqualTo(2));
        Assert.That(harness.Redis.KeyExists(harness.Key("search:[[q,[b]]]")), Is.True);
    }

    [Test]
    public void FrameworkSubclassOfNameValueCollection_IsKeyedByItsValues()
    {
        var json = new WebHeaderCollection { [HttpRequestHeader.Accept] = "application/json" };

        var xml = new WebHeaderCollection { [HttpRequestHeader.Accept] = "application/xml" };

        Assert.That(KeyProbe.KeyOf(p => p.Query(xml)), Is.Not.EqualTo(KeyProbe.KeyOf(p => p.Query(json))));
    }

    [Test]
    public void OwnSubclassOfNameValueCollection_IsKeyedByItsValuesAndItsOwnFields()
    {
        var (a1, b1, a2) = (Paged("a", 1), Paged("b", 1), Paged("a", 2));

        var key = KeyProbe.KeyOf(p => p.Query(a1));

        Assert.That(KeyProbe.KeyOf(p => p.Query(b1)), Is.Not.EqualTo(key));
        Assert.That(KeyProbe.KeyOf(p => p.Query(a2)), Is.Not.EqualTo(key));
        Assert.That(key, Does.EndWith(")[[[q,[a]]],1]}"));
    }

    [Test]
    public void Grouping_IsKeyedByItsKeyAndItsElements()
    {
        var groups = new[] { "odd", "even" }.SelectMany(k => new[] { 1, 3 }, (k, n) => (k, n)).GroupBy(p => p.k, p => p.n).ToList();

        var odd = KeyProbe.KeyOf(p => p.Group(groups[0]));
        var even = KeyProbe.KeyOf(p => p.Group(groups[1]));

        Assert.That(even, Is.Not.EqualTo(odd));
        Assert.That(odd, Does.EndWith(")[[1,3],odd]}"), "the elements, then the key, as a list of your own keeps its fields");
    }

    [Test]
    public void Lookup_IsKeyedByTheKeysOfItsGroups()
    {
        var byParity = new[] { 1, 2 }.ToLookup(n => n % 2 == 0 ? "even" : "odd");

        var byName = new[] { 1, 2 }.ToLookup(n => n == 1 ? "one" : "two");

        var key = KeyProbe.KeyOf(p => p.Groups(byName), maxKeyLength: 1024);

        Assert.That(KeyProbe.KeyOf(p => p.Groups(byParity)), Is.Not.EqualTo(key));
        Assert.That(key, Does.EndWith(")[[1],one],(System.Linq.Grouping`2<System.String\\,System.Int32>)[[2],two]]}"), "its groups, not how it hashes them");
    }

    [Test]
    public void CollectionOnAFrameworkBaseThatIsNoCollection_KeepsTheBasesState()
    {
        var name = KeyProbe.KeyOf(p => p.Changed(new ChangedIdCollection("Name", 1, 2)));

        var price = KeyProbe.KeyOf(p => p.Changed(new ChangedIdCollection("Price", 1, 2)));

        Assert.That(price, Is.Not.EqualTo(name));
    }

    [Test]
    public void EmptyList_AndAListOfOneEmptyString_Differ()
    {
        var empty = KeyProbe.KeyOf(p => p.Texts(new List<string?>()));

        var oneEmpty = KeyProbe.KeyOf(p => p.Texts(new List<string?> { string.Empty }));

        Assert.That(oneEmpty, Is.Not.EqualTo(empty));
    }

    [Test]
    public void ArraysOfTwoDimensions_KeepTheirShape()
    {
        var twoByThree = KeyProbe.KeyOf(p => p.Grid(new int[2, 3]));

        Assert.That(KeyProbe.KeyOf(p => p.Grid(new int[3, 2])), Is.Not.EqualTo(twoByThree));
        Assert.That(KeyProbe.KeyOf(p => p.Grid(new int[0, 2])), Is.Not.EqualTo(KeyProbe.KeyOf(p => p.Grid(new int[0, 3]))));
    }

    [Test]
    public void Cycle_EndsInABackReference_AndDifferentCyclesDiffer()
    {
        var loop = new TreeNode { Name = "a" };
        loop.Next = loop;
        var pair = new TreeNode { Name = "a", Next = new TreeNode { Name = "a" } };
        pair.Next.Next = pair;

        var loopKey = KeyProbe.KeyOf(p => p.Node(loop));
        var pairKey = KeyProbe.KeyOf(p => p.Node(pair));

        Assert.That(loopKey, Does.EndWith(":[a,\\^1]}"));
        Assert.That(pairKey, Does.EndWith(":[a,[a,\\^2]]}"));
    }

    [Test]
    public void ChainDeeperThanTheLimit_IsRefused_NotCut()
    {
        var head = new TreeNode { Name = "0" };
        var node = head;
        for (var i = 1; i <= KeyWriter.MaxDepth; i++)
        {
            node.Next = new TreeNode { Name = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            node = node.Next;
        }

        var thrown = Assert.Throws<KeyRenderException>(() => KeyProbe.KeyOf(p => p.Node(head)));

        Assert.That(thrown!.Message, Does.StartWith($"The argument 'node' nests composites deeper than {KeyWriter.MaxDepth} levels (at TreeNode), so it cannot be part of a cache key."));
    }

    [Test]
    public void DelegateMetOnlyAtRunTime_ThrowsTheDedicatedException_NamingTheParameter()
    {
        var thrown = Assert.Throws<KeyRenderException>(() => KeyProbe.KeyOf(p => p.HolderValue(new Holder { Value = new Func<int>(() => 1) })));

        Assert.That(thrown!.Message, Is.EqualTo("The argument 'holder' holds Func<int>, which is a delegate, whose code and captured variables a key cannot compare, so it cannot be part of a cache key. The call is not cached: mark the parameter [CacheKeyIgnore] if the result does not depend on it, or key the method with a template that names what it depends on."));
    }

    [Test]
    public void CallWhoseArgumentCannotBeKeyed_GoesToTheImplementation_AndStoresNothing()
    {
        var source = new HolderSource();
        using var harness = CacheAsideHarness<IHolderRepository>.Create(source);
        var holder = new Holder { Value = new Func<int>(() => 1) };

        var first = harness.Service.Describe(holder);
        var second = harness.Service.Describe(holder);

        Assert.That((first, second), Is.EqualTo(("Func`1", "Func`1")));
        Assert.That(source.Calls, Is.EqualTo(2));
        Assert.That(harness.Observer.Events.Where(e => e.Outcome is CacheOutcome.Hit or CacheOutcome.Miss), Is.Empty);
    }

    [Test]
    public void SequenceInAField_IsReadFromItsState_NeverEnumerated()
    {
        var enumerated = 0;
        IEnumerable<int> Numbers()
        {
            enumerated++;
            yield return 1;
        }

        var sequence = Numbers();
        KeyProbe.KeyOf(p => p.Items(new object?[] { sequence }));

        Assert.That(enumerated, Is.Zero);
        Assert.That(sequence, Is.EqualTo(new[] { 1 }), "still all there for the implementation");
    }

    [Test]
    public void IgnoredParameter_IsLeftOutOfTheDefaultKey()
    {
        var first = KeyProbe.KeyOf(p => p.Filter("shoes", s => true));

        var second = KeyProbe.KeyOf(p => p.Filter("shoes", s => false));

        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Does.EndWith("):shoes}"));
    }

    private static PagedNameValueCollection Paged(string q, int page) => new() { ["q"] = q, Page = page };

    /// <summary>A query string with names that may repeat, in the order given, as a parsed URL's query would be.</summary>
    private static NameValueCollection QueryString(params (string Name, string Value)[] pairs)
    {
        var query = new NameValueCollection();
        foreach (var (name, value) in pairs)
        {
            query.Add(name, value);
        }

        return query;
    }
}

internal static class PagedIdsExtensions
{
    public static PagedIds Also(this PagedIds ids, params int[] values)
    {
        ids.AddRange(values);
        return ids;
    }
}
