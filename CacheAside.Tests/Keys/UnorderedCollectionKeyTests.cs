using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;

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
            ImmutableHashSet.Create(new SeededComparer(1), Enumerable.Range(0, 20).Select(i => $"v{i}").ToArray()),
            ImmutableHashSet.Create(new SeededComparer(2), Enumerable.Range(0, 20).Select(i => $"v{i}").ToArray()));
        yield return Case(
            "ConcurrentDictionary under two string hash seeds",
            new ConcurrentDictionary<string, int>(Enumerable.Range(0, 20).Select(i => KeyValuePair.Create($"k{i}", i)), new SeededComparer(1)),
            new ConcurrentDictionary<string, int>(Enumerable.Range(0, 20).Select(i => KeyValuePair.Create($"k{i}", i)), new SeededComparer(2)));
        yield return Case("Hashtable filled in two orders", new Hashtable { ["a"] = 1, ["b"] = 2 }, new Hashtable { ["b"] = 2, ["a"] = 1 });
        yield return Case("SortedSet under two comparers", new SortedSet<string>(["a", "B"], StringComparer.Ordinal), new SortedSet<string>(["a", "B"], StringComparer.OrdinalIgnoreCase));
    }

    private static IEnumerable<TestCaseData> DifferentContents()
    {
        yield return Case("sets of different elements", new HashSet<string> { "a", "b" }, new HashSet<string> { "a", "c" });
        yield return Case("a set and one element more", new HashSet<string> { "a" }, new HashSet<string> { "a", "b" });
        yield return Case("an element split by a comma", new HashSet<string> { "a,b" }, new HashSet<string> { "a", "b" });
        yield return Case("dictionaries whose values swap keys", new Dictionary<int, string> { [1] = "x", [2] = "y" }, new Dictionary<int, string> { [1] = "y", [2] = "x" });
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
    public void Set_RendersItsElementsInOrdinalOrderOfTheirText()
    {
        var key = KeyProbe.KeyOf(s_findAny, [new HashSet<string> { "b", "a,", "A" }]);

        Assert.That(key, Is.EqualTo("cacheaside:v1:{CacheAside.Tests.Keys.IKeyProbe@CacheAside.Tests.FindAny(System.Object):(System.Collections.Generic.HashSet`1<System.String>)[A,a\\,,b]}"));
    }

    private static TestCaseData Case(string name, object first, object second) => new TestCaseData(first, second).SetArgDisplayNames(name);

    /// <summary>Ordinal string equality with hash codes that depend on a seed, as string hash codes depend on the process.</summary>
    private sealed class SeededComparer(int seed) : IEqualityComparer<string>
    {
        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string value) => HashCode.Combine(seed, string.GetHashCode(value, StringComparison.Ordinal)) * (seed * 2 + 1);
    }
}
