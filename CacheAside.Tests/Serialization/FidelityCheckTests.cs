using System.Collections.Immutable;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// The build-time check finds every part of a result type that cannot round-trip, says where it is and what
/// to change, and tells a type whose round trip it proved from one whose values are checked at run time.
/// The messages are pinned: they are part of the product.
/// </summary>
public sealed class FidelityCheckTests
{
    [Test]
    public void ConstructorParameterBindingToNoProperty_IsAProblem()
    {
        var (problems, _, _) = Codec.Check<Temperature>();

        Assert.That(problems, Is.EqualTo(new[]
        {
            "Temperature(double celsius): parameter 'celsius' binds to no property, so a hit cannot call the constructor: add a property Celsius of type double, mark a constructor whose parameters all match properties with [JsonConstructor], or return a DTO",
        }));
    }

    [Test]
    public void TwoPublicConstructors_AreAProblem()
    {
        var (problems, _, _) = Codec.Check<Coupon>();

        Assert.That(problems, Is.EqualTo(new[]
        {
            "Coupon has no constructor System.Text.Json can use (it needs a public parameterless constructor, a single public constructor, or one marked [JsonConstructor]): mark the constructor to use with [JsonConstructor], or add a public parameterless one",
        }));
    }

    [Test]
    public void DictionaryWithStructKeys_IsAProblem_NamingTheMember()
    {
        var (problems, _, _) = Codec.Check<Sheet>();

        Assert.That(problems, Is.EqualTo(new[]
        {
            "Dictionary<Cell, string> (at Sheet.Cells) has keys of type Cell, which JSON cannot write as property names: key it by string, a number, Guid, an enum or a date, or add a converter for Cell that overrides ReadAsPropertyName and WriteAsPropertyName",
        }));
    }

    [Test]
    public void CollectionWithMembersOfItsOwn_IsAProblem()
    {
        var (problems, _, _) = Codec.Check<List<Page>>();

        Assert.That(problems, Is.EqualTo(new[]
        {
            "Page (at List<Page>[]) is a collection with members of its own (Number), which JSON does not store (only its items are written): wrap the items in a class with a property for them beside those members, or return a DTO",
        }));
    }

    [Test]
    public void StateNoMemberCanReadBack_IsAProblem()
    {
        var (problems, _, _) = Codec.Check<Counter>();

        Assert.That(problems, Is.EqualTo(new[]
        {
            "Counter keeps its state in _count, but no member of it can be read back from JSON: give its properties setters (private ones are used), mark the fields [JsonInclude], or return a DTO",
        }));
    }

    [Test]
    public void DerivedTypes_AreCheckedToo()
    {
        var (problems, _, _) = Codec.Check<Zoo>();

        Assert.That(problems, Is.EqualTo(new[]
        {
            "Lion(string name) (at Zoo.Animals[](Lion)): parameter 'name' binds to no property, so a hit cannot call the constructor: add a property Name of type string, mark a constructor whose parameters all match properties with [JsonConstructor], or return a DTO",
        }));
    }

    [Test]
    public void ObjectMember_IsAProblem_NamingTheMember()
    {
        var (problems, _, _) = Codec.Check<Envelope>();

        Assert.That(problems, Is.EqualTo(new[]
        {
            "its result type contains object (at Envelope.Content), which is read back from JSON as a JsonElement rather than the value that was stored: return a concrete type",
        }));
    }

    [TestCase(typeof(Price))]
    [TestCase(typeof(Point))]
    [TestCase(typeof((int, string)))]
    [TestCase(typeof(Account))]
    [TestCase(typeof(Shape))]
    [TestCase(typeof(Price[]))]
    [TestCase(typeof(Price[][]))]
    public void TypeWhoseEveryFieldIsCarried_IsProven(Type type)
    {
        var check = typeof(Codec).GetMethod(nameof(Codec.Check))!.MakeGenericMethod(type);

        var (problems, proven, unproven) = ((List<string>, bool, string?))check.Invoke(null, [null])!;

        Assert.That(problems, Is.Empty);
        Assert.That(proven, Is.True, unproven);
    }

    [TestCase(typeof(Dictionary<string, int>))]
    [TestCase(typeof(IReadOnlyDictionary<string, int>))]
    [TestCase(typeof(ISet<string>))]
    [TestCase(typeof(HashSet<string>))]
    [TestCase(typeof(ImmutableSortedSet<string>))]
    [TestCase(typeof(SortedDictionary<string, int>))]
    [TestCase(typeof(IReadOnlyDictionary<Guid, Price>[]))]
    [TestCase(typeof(IReadOnlyList<Price>))]
    [TestCase(typeof(IReadOnlyList<Price>[]))]
    [TestCase(typeof(IEnumerable<string>))]
    public void CollectionThatCanKeepAComparer_NeedsTheRuntimeGuard(Type type)
    {
        var check = typeof(Codec).GetMethod(nameof(Codec.Check))!.MakeGenericMethod(type);

        var (problems, proven, _) = ((List<string>, bool, string?))check.Invoke(null, [null])!;

        Assert.That(problems, Is.Empty);
        Assert.That(proven, Is.False);
    }

    [Test]
    public void MemberThatCanKeepAComparer_NeedsTheRuntimeGuard_NamingIt()
    {
        var (_, proven, unproven) = Codec.Check<Stockroom>();

        Assert.That(proven, Is.False);
        Assert.That(unproven, Is.EqualTo("Stockroom.Counts is a Dictionary<string, int>, whose comparer JSON does not store"));
    }

    [Test]
    public void HandWrittenBackingField_NeedsTheRuntimeGuard()
    {
        var (problems, proven, unproven) = Codec.Check<Ledger>();

        Assert.That(problems, Is.Empty);
        Assert.That(proven, Is.False);
        Assert.That(unproven, Is.EqualTo("Ledger keeps state in _entries, which no JSON member can be proven to carry"));
    }

    [Test]
    public void GetOnlyCollectionFilledInPlace_NeedsTheRuntimeGuard()
    {
        var (_, proven, unproven) = Codec.Check<Invoice>();

        Assert.That(proven, Is.False);
        Assert.That(unproven, Is.EqualTo("Invoice.Lines is filled into the collection the constructor creates, which may hold items already"));
    }

    [Test]
    public void ConstructorBuiltRecord_NeedsTheRuntimeGuard()
    {
        var (problems, proven, unproven) = Codec.Check<Fakes.Product>();

        Assert.That(problems, Is.Empty);
        Assert.That(proven, Is.False);
        Assert.That(unproven, Is.EqualTo("Product is built through its constructor Product(int Id, string Name, decimal Price), whose effect on the members it is passed cannot be proven"));
    }

    public sealed class Stockroom
    {
        public Dictionary<string, int> Counts { get; set; } = [];
    }

    public sealed class Envelope
    {
        public object? Content { get; set; }
    }

    [System.Text.Json.Serialization.JsonDerivedType(typeof(Lion), "lion")]
    public abstract class Animal
    {
        public int Legs { get; set; }
    }

    public sealed class Lion(string name) : Animal
    {
        public string Roar => name + "!";
    }

    public sealed class Zoo
    {
        public List<Animal> Animals { get; set; } = [];
    }
}
