using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Keys;

/// <summary>
/// A set or a dictionary has no order of its own: what it enumerates first depends on the order it was filled in,
/// or on hash codes, which differ from process to process for strings. Its key does not: equal sets and dictionaries
/// share a key, so a write in one process invalidates what a read in another stored.
/// </summary>
public sealed class UnorderedCollectionKeyTests
{
    private static readonly System.Reflection.MethodInfo s_findAny = typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.FindAny))!;

    private static IEnumerable<TestCaseData> EqualContents()
    {
        yield return Case("HashSet filled in two orders", new HashSet<string> { "a", "b", "c" }, new HashSet<string> { "c", "a", "b" });
        yield return Case("Dictionary filled in two orders", new Dictionary<int, string> { [1] = "x", [2] = "y" }, new Dictionary<int, string> { [2] = "y", [1] = "x" });
        yield return Case(
            "ImmutableHashSet under two string hash seeds",
            SeededComparer.With(1, c => ImmutableHashSet.Create(c, Enumerable.Range(0, 20).Select(i => $"v{i}").ToArray())),
            SeededComparer.With(2, c => ImmutableHashSet.Create(c, Enumerable.Range(0, 20).Select(i => $"v{i}").ToArray())));
        yield return Case(
            "ConcurrentDictionary under two string hash seeds",
            SeededComparer.With(1, c => new ConcurrentDictionary<string, int>(Enumerable.Range(0, 20).Select(i => KeyValuePair.Create($"k{i}", i)), c)),
            SeededComparer.With(2, c => new ConcurrentDictionary<string, int>(Enumerable.Range(0, 20).Select(i => KeyValuePair.Create($"k{i}", i)), c)));
        yield return Case("Hashtable filled in two orders", new Hashtable { ["a"] = 1, ["b"] = 2 }, new Hashtable { ["b"] = 2, ["a"] = 1 });
        yield return Case("ConcurrentBag filled in two orders", new ConcurrentBag<string>(["a", "b", "a"]), new ConcurrentBag<string>(["b", "a", "a"]));
        yield return Case("ConcurrentBag filled from two threads in two orders", FilledByThreads("a", "b"), FilledByThreads("b", "a"));
        yield return Case("Dictionary keys filled in two orders", new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }.Keys, new Dictionary<string, int> { ["b"] = 2, ["a"] = 1 }.Keys);
        yield return Case("Dictionary values filled in two orders", new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }.Values, new Dictionary<string, int> { ["b"] = 2, ["a"] = 1 }.Values);
        yield return Case("SortedSet filled in two orders", new SortedSet<string>(["a", "B"], StringComparer.OrdinalIgnoreCase), new SortedSet<string>(["B", "a"], StringComparer.OrdinalIgnoreCase));
        yield return Case("Dictionary with two instances of one culture's comparer", new Dictionary<string, int>(StringComparer.Create(new System.Globalization.CultureInfo("de-DE"), true)) { ["a"] = 1 }, new Dictionary<string, int>(StringComparer.Create(new System.Globalization.CultureInfo("de-DE"), true)) { ["a"] = 1 });
    }

    private static IEnumerable<TestCaseData> DifferentContents()
    {
        yield return Case("sets of different elements", new HashSet<string> { "a", "b" }, new HashSet<string> { "a", "c" });
        yield return Case("a set and one element more", new HashSet<string> { "a" }, new HashSet<string> { "a", "b" });
        yield return Case("an element split by a comma", new HashSet<string> { "a,b" }, new HashSet<string> { "a", "b" });
        yield return Case("dictionaries whose values swap keys", new Dictionary<int, string> { [1] = "x", [2] = "y" }, new Dictionary<int, string> { [1] = "y", [2] = "x" });
        yield return Case("bags of one element twice and once", new ConcurrentBag<string>(["a", "a", "b"]), new ConcurrentBag<string>(["a", "b", "b"]));
        yield return Case("a bag and one duplicate more", new ConcurrentBag<string>(["a"]), new ConcurrentBag<string>(["a", "a"]));
        yield return Case("queues in two orders", new ConcurrentQueue<string>(["a", "b"]), new ConcurrentQueue<string>(["b", "a"]));
        yield return Case("stacks in two orders", new ConcurrentStack<string>(["a", "b"]), new ConcurrentStack<string>(["b", "a"]));
        yield return Case("SortedSet under two comparers", new SortedSet<string>(["a", "B"], StringComparer.Ordinal), new SortedSet<string>(["a", "B"], StringComparer.OrdinalIgnoreCase));
        yield return Case("HashSet with the default comparer and one that ignores case", new HashSet<string> { "a" }, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "a" });
        yield return Case("HashSet under two cultures' comparers", new HashSet<string>(StringComparer.Create(new System.Globalization.CultureInfo("de-DE"), true)) { "a" }, new HashSet<string>(StringComparer.Create(new System.Globalization.CultureInfo("tr-TR"), true)) { "a" });
        yield return Case("Dictionary under a comparer of the application", new Dictionary<string, int> { ["a"] = 1 }, new Dictionary<string, int>(new SeededComparer()) { ["a"] = 1 });
        yield return Case("lists in two orders", new List<string> { "a", "b" }, new List<string> { "b", "a" });
    }

    [TestCaseSource(nameof(EqualContents))]
    public void EqualSetsAndDictionaries_ShareAKey_WhateverTheirEnumerationOrder(object first, object second)
    {
        var firstKey = KeyProbe.KeyOf(s_findAny, [first]);

        var secondKey = KeyProbe.KeyOf(s_findAny, [second]);

        Assert.That(secondKey, Is.EqualTo(firstKey));
    }

    [TestCaseSource(nameof(DifferentContents))]
    public void DifferentContents_AndListsInAnotherOrder_GetDifferentKeys(object first, object second)
    {
        var firstKey = KeyProbe.KeyOf(s_findAny, [first]);

        var secondKey = KeyProbe.KeyOf(s_findAny, [second]);

        Assert.That(secondKey, Is.Not.EqualTo(firstKey));
    }

    [Test]
    public void BagFilledByOtherThreads_InvalidatesWhatAnEqualBagStored()
    {
        using var harness = CacheAsideHarness<IBagRepository>.Create(new BagSource());

        harness.Service.Total(FilledByThreads(1, 2, 2));
        harness.Service.Forget(FilledByThreads(2, 1, 2));
        harness.Service.Total(FilledByThreads(1, 2, 2));

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Invalidated, CacheOutcome.Miss }), "the invalidation missed the entry the read stored");
    }

    [Test]
    public void SetWithAComparerThatIgnoresCase_IsNotAnsweredWithTheEntryOfAnOrdinalOne()
    {
        using var harness = CacheAsideHarness<IBagRepository>.Create(new BagSource());

        var ordinal = harness.Service.Contains(new HashSet<string>(StringComparer.Ordinal) { "a" }, "A");
        var ignoringCase = harness.Service.Contains(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "a" }, "A");

        Assert.That((ordinal, ignoringCase), Is.EqualTo((false, true)), "the set that ignores case was answered with the ordinal set's entry");
    }

    [Test]
    public void SetWithAComparerOfDelegates_IsNotCached()
    {
        using var harness = CacheAsideHarness<IBagRepository>.Create(new BagSource());
        var comparer = EqualityComparer<string>.Create((x, y) => string.Equals(x, y, StringComparison.OrdinalIgnoreCase), x => x.ToUpperInvariant().GetHashCode(StringComparison.Ordinal));

        var found = harness.Service.Contains(new HashSet<string>(comparer) { "a" }, "A");

        Assert.That(found, Is.True);
        Assert.That(harness.Observer.Events.Select(e => (e.Outcome, e.Details)), Is.EqualTo(new[] { (CacheOutcome.Bypass, CacheEventDetails.KeyFailed) }));
    }

    [TestCase("default", "[[a],\\0]")]
    [TestCase("ordinal", "[[a],Ordinal]")]
    [TestCase("ignore case", "[[a],OrdinalIgnoreCase]")]
    [TestCase("culture", "[[a],de-DE/IgnoreCase]")]
    public void SetsComparer_FollowsItsElements(string comparer, string expected)
    {
        var set = new HashSet<string>(comparer switch
        {
            "default" => null,
            "ordinal" => StringComparer.Ordinal,
            "ignore case" => StringComparer.OrdinalIgnoreCase,
            _ => StringComparer.Create(new System.Globalization.CultureInfo("de-DE"), true),
        }) { "a" };

        var key = KeyProbe.KeyOf(s_findAny, [set]);

        Assert.That(key, Does.EndWith(")" + expected + "}"));
    }

    [Test]
    public void Set_RendersItsElementsInOrdinalOrderOfTheirText()
    {
        var key = KeyProbe.KeyOf(s_findAny, [new HashSet<string> { "b", "a,", "A" }]);

        Assert.That(key, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.FindAny(System.Object):(System.Collections.Generic.HashSet`1<System.String>)[[A,a\\,,b],\\0]}"));
    }

    /// <summary>A bag each of whose elements was added by a thread of its own, one after the other: a bag keeps one list per thread.</summary>
    private static ConcurrentBag<T> FilledByThreads<T>(params T[] elements)
    {
        var bag = new ConcurrentBag<T>();
        foreach (var element in elements)
        {
            var thread = new Thread(() => bag.Add(element));
            thread.Start();
            thread.Join();
        }

        return bag;
    }

    private static TestCaseData Case(string name, object first, object second) => new TestCaseData(first, second).SetArgDisplayNames(name);

    /// <summary>
    /// Ordinal string equality with hash codes that depend on a seed, as string hash codes depend on the process. The seed
    /// is no state of the comparer, which its key carries: it is the process's, set while a collection is filled.
    /// </summary>
    private sealed class SeededComparer : IEqualityComparer<string>
    {
        private static int s_seed;

        public static T With<T>(int seed, Func<SeededComparer, T> fill)
        {
            s_seed = seed;
            try
            {
                return fill(new SeededComparer());
            }
            finally
            {
                s_seed = 0;
            }
        }

        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string value) => HashCode.Combine(s_seed, string.GetHashCode(value, StringComparison.Ordinal)) * (s_seed * 2 + 1);
    }
}

public interface IBagRepository
{
    [Cached("total:{values}")]
    int Total(ConcurrentBag<int> values);

    [Invalidates("total:{values}")]
    void Forget(ConcurrentBag<int> values);

    [Cached]
    bool Contains(HashSet<string> set, string item);
}

public sealed class BagSource : IBagRepository
{
    public int Total(ConcurrentBag<int> values) => values.Sum();

    public void Forget(ConcurrentBag<int> values)
    {
    }

    public bool Contains(HashSet<string> set, string item) => set.Contains(item);
}
