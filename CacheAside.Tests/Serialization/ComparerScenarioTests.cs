using System.Collections.Immutable;
using System.Collections.ObjectModel;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// End to end against Redis: a dictionary or set comes back from a hit with the comparer the source gave it,
/// or it is returned uncached. JSON writes only the items, so a hit holds the comparer decoding gives.
/// </summary>
public sealed class ComparerScenarioTests
{
    [TestCase("Stock", "Dictionary<string, int>.Comparer")]
    [TestCase("ReadOnlyStock", "IReadOnlyDictionary<string, int>.Comparer")]
    [TestCase("WrappedStock", "IReadOnlyDictionary<string, int>.Comparer")]
    [TestCase("Tags", "ISet<string>.Comparer")]
    [TestCase("TagSet", "HashSet<string>.Comparer")]
    [TestCase("Catalog", "Catalog.Stock.Comparer")]
    [TestCase("Listing", "Listing.Tags.Comparer")]
    [TestCase("Ranking", "ImmutableSortedSet<string>.KeyComparer")]
    [TestCase("Shelves", "SortedDictionary<string, int>.Comparer")]
    [TestCase("TagsAsSequence", "IEnumerable<string>.Comparer")]
    [TestCase("RankingAsList", "IReadOnlyList<string>.KeyComparer")]
    [TestCase("StockAsPairs", "IReadOnlyCollection<KeyValuePair<string, int>>.Comparer")]
    public async Task CollectionWhoseComparerDecodingLoses_IsReturnedUncached_WithAWarningNamingTheMember(string method, string member)
    {
        using var harness = CacheAsideHarness<ICatalogRepository>.Create(new CatalogSource());

        await Call(harness.Service, method);
        await Call(harness.Service, method);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss }));
        Assert.That(harness.Observer.Events[0].Details.HasFlag(CacheEventDetails.NotStored), Is.True);
        Assert.That(harness.Redis.KeyExists(harness.Key($"{method}:1")), Is.False);
        Assert.That(harness.Logs.WithId(10).Single().Message, Does.EndWith(
            $"was returned uncached: {member} reads back from JSON different from what the source returned."));
    }

    [Test]
    public void SetWithTheDefaultComparer_ReturnedAsASequence_IsAHit()
    {
        using var harness = CacheAsideHarness<ICatalogRepository>.Create(new CatalogSource());

        harness.Service.PlainTags(1);
        var hit = harness.Service.PlainTags(1);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(hit, Is.EquivalentTo(new[] { "Red", "Blue" }));
    }

    [Test]
    public async Task DictionaryBuiltWithOrdinalKeys_IsAHit()
    {
        using var harness = CacheAsideHarness<ICatalogRepository>.Create(new CatalogSource());

        await harness.Service.OrdinalStockAsync(1);
        var hit = await harness.Service.OrdinalStockAsync(1);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(hit["Widget"], Is.EqualTo(3));
    }

    [Test]
    public void GetOnlyDictionaryTheClassCreates_IsAHit_KeepingItsComparer()
    {
        using var harness = CacheAsideHarness<ICatalogRepository>.Create(new CatalogSource());

        harness.Service.Shop(1);
        var hit = harness.Service.Shop(1);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(hit.Stock["widget"], Is.EqualTo(3));
    }

    private static async Task<object> Call(ICatalogRepository service, string method) => method switch
    {
        "Stock" => await service.StockAsync(1),
        "ReadOnlyStock" => await service.ReadOnlyStockAsync(1),
        "WrappedStock" => service.WrappedStock(1),
        "Tags" => service.Tags(1),
        "TagSet" => service.TagSet(1),
        "Catalog" => service.Catalog(1),
        "Listing" => service.Listing(1),
        "Ranking" => service.Ranking(1),
        "Shelves" => service.Shelves(1),
        "TagsAsSequence" => await service.TagsAsSequenceAsync(1),
        "RankingAsList" => service.RankingAsList(1),
        "StockAsPairs" => service.StockAsPairs(1),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    public interface ICatalogRepository
    {
        [Cached("Stock:{id}")]
        Task<Dictionary<string, int>> StockAsync(int id);

        [Cached("ReadOnlyStock:{id}")]
        Task<IReadOnlyDictionary<string, int>> ReadOnlyStockAsync(int id);

        [Cached("WrappedStock:{id}")]
        IReadOnlyDictionary<string, int> WrappedStock(int id);

        [Cached("Tags:{id}")]
        ISet<string> Tags(int id);

        [Cached("TagSet:{id}")]
        HashSet<string> TagSet(int id);

        [Cached("Catalog:{id}")]
        Catalog Catalog(int id);

        [Cached("Listing:{id}")]
        Listing Listing(int id);

        [Cached("Ranking:{id}")]
        ImmutableSortedSet<string> Ranking(int id);

        [Cached("Shelves:{id}")]
        SortedDictionary<string, int> Shelves(int id);

        [Cached("TagsAsSequence:{id}")]
        Task<IEnumerable<string>> TagsAsSequenceAsync(int id);

        [Cached("RankingAsList:{id}")]
        IReadOnlyList<string> RankingAsList(int id);

        [Cached("StockAsPairs:{id}")]
        IReadOnlyCollection<KeyValuePair<string, int>> StockAsPairs(int id);

        [Cached("PlainTags:{id}")]
        IEnumerable<string> PlainTags(int id);

        [Cached("OrdinalStock:{id}")]
        Task<Dictionary<string, int>> OrdinalStockAsync(int id);

        [Cached("Shop:{id}")]
        Shop Shop(int id);
    }

    public sealed class Catalog
    {
        public Dictionary<string, int> Stock { get; set; } = [];
    }

    public sealed record Listing(int Id)
    {
        public HashSet<string> Tags { get; init; } = [];
    }

    public sealed class Shop
    {
        public Dictionary<string, int> Stock { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class CatalogSource : ICatalogRepository
    {
        private static readonly IComparer<string> s_descending = Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a));

        public Task<Dictionary<string, int>> StockAsync(int id) => Task.FromResult(IgnoringCase());

        public Task<IReadOnlyDictionary<string, int>> ReadOnlyStockAsync(int id) => Task.FromResult<IReadOnlyDictionary<string, int>>(IgnoringCase());

        public IReadOnlyDictionary<string, int> WrappedStock(int id) => new ReadOnlyDictionary<string, int>(IgnoringCase());

        public ISet<string> Tags(int id) => new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Red" };

        public HashSet<string> TagSet(int id) => new(StringComparer.OrdinalIgnoreCase) { "Red" };

        public Catalog Catalog(int id) => new() { Stock = IgnoringCase() };

        public Listing Listing(int id) => new(id) { Tags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Red" } };

        public ImmutableSortedSet<string> Ranking(int id) => ImmutableSortedSet.Create(s_descending, "a", "b");

        public SortedDictionary<string, int> Shelves(int id) => new(s_descending) { ["a"] = 1, ["b"] = 2 };

        public Task<IEnumerable<string>> TagsAsSequenceAsync(int id) => Task.FromResult<IEnumerable<string>>(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Red" });

        public IReadOnlyList<string> RankingAsList(int id) => ImmutableSortedSet.Create(s_descending, "a", "b");

        public IReadOnlyCollection<KeyValuePair<string, int>> StockAsPairs(int id) => IgnoringCase();

        public IEnumerable<string> PlainTags(int id) => new HashSet<string> { "Red", "Blue" };

        public Task<Dictionary<string, int>> OrdinalStockAsync(int id) =>
            Task.FromResult(new Dictionary<string, int>(StringComparer.Ordinal) { ["Widget"] = 3 });

        public Shop Shop(int id)
        {
            var shop = new Shop();
            shop.Stock["Widget"] = 3;
            return shop;
        }

        private static Dictionary<string, int> IgnoringCase() => new(StringComparer.OrdinalIgnoreCase) { ["Widget"] = 3 };
    }
}
