using CacheAside.Interception.Internal.Serialization;

namespace CacheAside.Tests.Serialization;

/// <summary>A lazy result declared through a sequence interface is run once, into a list.</summary>
public sealed class ResultMaterializerTests
{
    [Test]
    public void Iterator_IsRunOnce_IntoAList()
    {
        var runs = 0;
        IEnumerable<int> Numbers()
        {
            runs++;
            yield return 1;
            yield return 2;
        }

        var materialized = ResultMaterializer.For<IEnumerable<int>>()!(Numbers());
        var items = materialized.ToList().Concat(materialized).ToList();

        Assert.That(materialized, Is.TypeOf<List<int>>());
        Assert.That(items, Is.EqualTo(new[] { 1, 2, 1, 2 }));
        Assert.That(runs, Is.EqualTo(1));
    }

    [Test]
    public void LinqQuery_IsRunOnce()
    {
        var selected = 0;
        var query = new[] { 1, 2, 3 }.Select(x =>
        {
            selected++;
            return x * 2;
        });

        var materialized = ResultMaterializer.For<IReadOnlyList<int>>()!((IReadOnlyList<int>)query.ToArray().Select(x => x).ToList());
        var lazy = ResultMaterializer.For<IEnumerable<int>>()!(query);
        _ = lazy.Sum() + lazy.Sum();

        Assert.That(materialized, Is.EqualTo(new[] { 2, 4, 6 }));
        Assert.That(selected, Is.EqualTo(6), "three for ToArray above, three for materializing; none for the two sums");
    }

    [Test]
    public void StoredCollection_IsReturnedAsItIs()
    {
        var list = new List<string> { "a" };
        var array = new[] { "b" };

        Assert.That(ResultMaterializer.For<IEnumerable<string>>()!(list), Is.SameAs(list));
        Assert.That(ResultMaterializer.For<ICollection<string>>()!(array), Is.SameAs(array));
        Assert.That(ResultMaterializer.For<IEnumerable<string>>()!(null!), Is.Null);
    }

    [TestCase(typeof(List<int>))]
    [TestCase(typeof(int[]))]
    [TestCase(typeof(string))]
    [TestCase(typeof(IDictionary<string, int>))]
    public void TypeThatCannotHoldALazySequence_HasNoMaterializer(Type type)
    {
        var materializer = typeof(ResultMaterializer).GetMethod(nameof(ResultMaterializer.For))!.MakeGenericMethod(type).Invoke(null, null);

        Assert.That(materializer, Is.Null);
    }
}
