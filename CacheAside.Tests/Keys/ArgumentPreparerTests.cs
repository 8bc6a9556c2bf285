using CacheAside.Interception;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Keys;

/// <summary>Rendering a key never consumes an argument: one-shot sequences are read once, into a list both the key and the implementation use.</summary>
public sealed class ArgumentPreparerTests
{
    [Test]
    public void MethodWithoutSequences_NeedsNoPreparation()
    {
        var method = typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.Find), [typeof(int)])!;

        var preparer = ArgumentPreparer.For(method, [KeyProbe.Renderer(method)]);

        Assert.That(preparer, Is.Null);
    }

    [Test]
    public void SequenceTheKeyLeavesOut_IsLeftAsItIs()
    {
        var method = typeof(ISequenceRepository).GetMethod(nameof(ISequenceRepository.First))!;

        var preparer = ArgumentPreparer.For(method, [KeyProbe.Renderer(method)]);

        Assert.That(preparer, Is.Null, "the implementation may stream what no key reads");
    }

    [Test]
    public void OneShotSequence_IsReplacedByAListOfItsElements()
    {
        var method = typeof(ISequenceRepository).GetMethod(nameof(ISequenceRepository.Sum))!;
        var preparer = ArgumentPreparer.For(method, [KeyProbe.Renderer(method)])!;
        var arguments = new object?[] { new OneShot<int>(1, 2, 3) };

        preparer.Prepare(arguments);

        Assert.That(arguments[0], Is.InstanceOf<List<int>>().And.EqualTo(new[] { 1, 2, 3 }));
    }

    [TestCase("array")]
    [TestCase("list")]
    [TestCase("set")]
    [TestCase("null")]
    public void CollectionsAndNull_AreLeftAsTheyAre(string kind)
    {
        var method = typeof(ISequenceRepository).GetMethod(nameof(ISequenceRepository.Sum))!;
        var preparer = ArgumentPreparer.For(method, [KeyProbe.Renderer(method)])!;
        object? value = kind switch
        {
            "array" => new[] { 1, 2 },
            "list" => new List<int> { 1, 2 },
            "set" => new HashSet<int> { 1, 2 },
            _ => null,
        };
        var arguments = new[] { value };

        preparer.Prepare(arguments);

        Assert.That(arguments[0], Is.SameAs(value));
    }

    [Test]
    public void OneShotSequence_KeyIsTheKeyOfItsElements()
    {
        var oneShot = KeyProbe.KeyVia<ISequenceRepository>(r => r.Sum(new OneShot<int>(4, 5)));

        var list = KeyProbe.KeyVia<ISequenceRepository>(r => r.Sum(new List<int> { 4, 5 }));

        Assert.That(oneShot, Is.EqualTo(list));
    }

    [Test]
    public void CachedRead_OfAOneShotSequence_GivesTheImplementationEveryElement_AndHitsNextTime()
    {
        var source = new SequenceSource();
        using var harness = CacheAsideHarness<ISequenceRepository>.Create(source);

        var first = harness.Service.Sum(new OneShot<int>(1, 2, 3));
        var second = harness.Service.Sum(new OneShot<int>(1, 2, 3));
        var other = harness.Service.Sum(new OneShot<int>(1, 2));

        Assert.That(new[] { first, second, other }, Is.EqualTo(new[] { 6, 6, 3 }));
        Assert.That(source.Received, Is.EqualTo(new[] { new[] { 1, 2, 3 }, new[] { 1, 2 } }), "the miss saw every element; the hit did not call it");
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Miss }));
    }

    [Test]
    public void CachedRead_OfALinqQuery_IsCachedByItsElements()
    {
        var source = new SequenceSource();
        using var harness = CacheAsideHarness<ISequenceRepository>.Create(source);
        var evaluations = 0;
        IEnumerable<int> Query() => Enumerable.Range(1, 3).Select(i =>
        {
            evaluations++;
            return i * 10;
        });

        var first = harness.Service.Sum(Query());
        var second = harness.Service.Sum(Query());

        Assert.That((first, second), Is.EqualTo((60, 60)));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(evaluations, Is.EqualTo(6), "each query was read once, for the key and the implementation together");
    }

    [Test]
    public async Task CachedAsyncRead_OfANonGenericOneShotSequence_IsCachedByItsElements()
    {
        using var harness = CacheAsideHarness<ISequenceRepository>.Create(new SequenceSource());

        var first = await harness.Service.CountAsync(new OneShot<string>("a", "b"));
        var second = await harness.Service.CountAsync(new OneShot<string>("a", "b"));

        Assert.That((first, second), Is.EqualTo((2, 2)));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(harness.Redis.KeyExists(harness.Key("count:(System.Collections.Generic.List`1<System.Object>)[(System.String)a,(System.String)b]")), Is.True);
    }

    [Test]
    public void Invalidation_NamingAOneShotSequence_DeletesItsKey_AndTheWriteSeesEveryElement()
    {
        var source = new SequenceSource();
        using var harness = CacheAsideHarness<ISequenceRepository>.Create(source);

        harness.Service.Forget(new OneShot<int>(7, 8));

        Assert.That(source.Received, Is.EqualTo(new[] { new[] { 7, 8 } }));
        Assert.That(harness.Observer.Last.Keys, Is.EqualTo(new[] { harness.Key("sum:(System.Collections.Generic.List`1<System.Int32>)[7,8]") }));
    }
}
