using System.Globalization;
using System.Linq.Expressions;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;

namespace CacheAside.Tests.Registration;

// One mistake per interface, so each test pins the message of exactly one.
public interface IVoidCached
{
    [Cached("refresh")]
    void Refresh();
}

public interface ITaskCached
{
    [Cached("refresh")]
    Task RefreshAsync();
}

public interface IValueTaskCached
{
    [Cached("refresh")]
    ValueTask RefreshAsync();
}

public interface IOutParameterCached
{
    [Cached("value:{id}")]
    bool TryGet(int id, out string value);
}

public interface IRefParameterCached
{
    [Cached("value:{id}")]
    string Get(int id, ref int version);
}

public interface IInParameterCached
{
    [Cached("value:{id}")]
    string Get(in int id);
}

public interface IInvalidatesUnknownProperty
{
    [Invalidates("product:{product.Code}")]
    void Update(Product product);
}

public interface IUnknownPlaceholder
{
    [Cached("product:{productId}")]
    Product Get(int id);
}

public sealed record OrderQuery(int CustomerId, string Region);

public interface IUnknownProperty
{
    [Cached("orders:{query.Customer}")]
    string Get(OrderQuery query);
}

public interface IStaticCached
{
    [Cached]
    static string Describe(int id) => id.ToString(CultureInfo.InvariantCulture);
}

public interface IStaticInvalidates
{
    [Invalidates("product:{id}")]
    static void Forget(int id)
    {
    }
}

public interface INonPositiveTtl
{
    [Cached("answer", TtlSeconds = 0)]
    string Get();
}

public interface ITtlLongerThanAnEntryMayLive
{
    [Cached("answer", TtlSeconds = 900_000_000_000, FailSafeSeconds = 60)]
    string Get();
}

public interface INullTtlLongerThanAnEntryMayLive
{
    [Cached("answer", NullTtlSeconds = 400_000_000)]
    string? Get();
}

public interface INegativeNullTtl
{
    [Cached("answer", NullTtlSeconds = -1)]
    string? Get();
}

public interface INullTtlOnValueType
{
    [Cached("answer", NullTtlSeconds = 5)]
    int Get();
}

public interface IConflictingAttributes
{
    [Cached("answer")]
    [Invalidates("answer")]
    string Get();
}

public interface IAdjacentPlaceholders
{
    [Cached("pair:{a}{b}")]
    string Get(string a, string b);
}

public interface IGenericWithoutTypeParameter
{
    [Cached("document:{id}")]
    T Get<T>(string id);
}

public interface ICancellationTokenInKey
{
    [Cached("answer:{cancellationToken}")]
    Task<string> GetAsync(CancellationToken cancellationToken);
}

public interface ISamePlaceholdersOfDifferentTypes
{
    [Cached("product:{id}")]
    string ById(int id);

    [Cached("product:{code}")]
    string ByCode(string code);
}

public interface ISameShapeDifferentTypes
{
    [Cached("item:{id}")]
    string Name(int id);

    [Cached("item:{id}")]
    int Age(int id);
}

public interface IObjectResult
{
    [Cached("answer")]
    object Get();
}

public interface IShape
{
    double Area { get; }
}

public interface IInterfaceResult
{
    [Cached("shape:{id}")]
    IShape Get(int id);
}

public interface IExpressionArgument
{
    [Cached]
    IReadOnlyList<Product> Find(Expression<Func<Product, bool>> filter);
}

public interface IDelegateInTemplate
{
    [Cached("find:{filter}")]
    string Find(Func<int, bool> filter);
}

public sealed class FilteredQuery
{
    public string Term { get; init; } = string.Empty;

    public Func<Product, bool>? Filter { get; init; }
}

public interface IDelegateInAField
{
    [Cached]
    string Find(FilteredQuery query);
}

public interface IStreamArgument
{
    [Cached]
    string Hash(Stream content);
}

public interface ITaskArgument
{
    [Invalidates("pending:{pending}")]
    void Forget(Task<int> pending);
}

public interface IAsyncStreamArgument
{
    [Cached]
    Task<int> Count(IAsyncEnumerable<int> values);
}

/// <summary>Keeps values that its enumeration, which yields only their names, does not show.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1010:Generic interface should also be implemented", Justification = "A collection that enumerates only its names is the case under test.")]
public sealed class NamedObjectCollection : System.Collections.Specialized.NameObjectCollectionBase
{
    public void Put(string name, object? value) => BaseAdd(name, value);
}

public interface INamedObjectsArgument
{
    [Cached]
    string Find(NamedObjectCollection values);
}

public interface IIgnoredParameterInTemplate
{
    [Cached("find:{term}")]
    string Find([CacheKeyIgnore] string term);
}

public interface IKeyedBy<TKey>
{
    [Cached("get:{id}")]
    string Get(TKey id);
}

public sealed class KeyedBy<TKey> : IKeyedBy<TKey>
{
    public string Get(TKey id) => $"{id}";
}

public interface IUnclosedPlaceholder
{
    [Cached("product:{id")]
    Product Get(int id);
}

internal interface IInternalRepository
{
    [Cached("answer")]
    string Get();
}

internal sealed class InternalRepository : IInternalRepository
{
    public string Get() => "answer";
}

public interface INegativeEarlyRefreshBeta
{
    [Cached("answer", EarlyRefreshBeta = -1)]
    string? Get();
}

public interface INegativeFailSafe
{
    [Cached("answer", FailSafeSeconds = -5)]
    string? Get();
}

public interface ISoftTimeoutWithoutFailSafe
{
    [Cached("answer", SoftTimeoutSeconds = 0.5)]
    string? Get();
}

public interface INonPositiveSoftTimeout
{
    [Cached("answer", FailSafeSeconds = 60, SoftTimeoutSeconds = 0)]
    string? Get();
}

public interface IAttributedOnTheClass
{
    string Get(int id);

    void Save(int id);
}

/// <summary>Cache attributes on the class, which the interface proxy never reads.</summary>
public sealed class AttributedOnTheClass : IAttributedOnTheClass
{
    [Cached("value:{id}")]
    public string Get(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Invalidates("value:{id}")]
    public void Save(int id)
    {
    }

    [Cached("helper:{id}")]
    public string Helper(int id) => Get(id);
}

public interface IAttributedOnTheGenericClass<T>
{
    T? Get(int id);
}

public sealed class AttributedOnTheGenericClass<T> : IAttributedOnTheGenericClass<T>
{
    [Cached("value:{id}:{T}")]
    public T? Get(int id) => default;
}

public interface IInvalidatesThroughAnObject
{
    [Cached("product:{id}")]
    Product Get(int id);

    [Invalidates("product:{id}")]
    void Forget(object id);
}

/// <summary>Invalidations whose placeholders render as the read's do, though declared otherwise.</summary>
public interface IInvalidatesAlike
{
    [Cached("order:{id}")]
    Product Get(long id);

    [Invalidates("order:{id}")]
    void Forget(int? id);

    [Invalidates("order:{product.Id}")]
    void Update(Product product);
}

public interface ILiteralMeetsAString
{
    [Cached("product:{sku}")]
    Product GetBySku(string sku);

    [Cached("product:featured")]
    Product GetFeatured();
}

public interface ILiteralMeetsANumber
{
    [Cached("page:{number}")]
    Product[] Page(int number);

    [Cached("page:1")]
    int FirstPageSize();
}

public interface ILiteralMeetsAnArray
{
    [Cached("items:{ids}")]
    Product[] Items(int[] ids);

    [Cached("items:[7]")]
    Product[] Lucky();
}

/// <summary>Templates of different shapes whose literal text no call of the others renders.</summary>
public interface ILiteralsApartFromValues
{
    [Cached("product:{id}")]
    Product GetById(int id);

    [Cached("product:featured")]
    Product GetFeatured();

    [Cached("product:{id}:stock")]
    int Stock(int id);

    [Cached("user:{name}")]
    string User(string name);

    [Cached("user:{name}:orders")]
    int[] Orders(string name);

    [Cached("session:{id}")]
    string Session(Guid id);

    [Cached("session:current")]
    string CurrentSession();

    [Cached("day:{day}")]
    string Day(DateOnly day);

    [Cached("day:today")]
    string Today();

    [Cached("report:{period}")]
    string Report(DayOfWeek period);

    [Cached("report:latest")]
    string LatestReport();
}

public interface IFeaturedProduct
{
    [Cached("product:7")]
    string Get();
}

/// <summary>Sync and async generic variants that share entries, as Get and GetAsync of one interface do; each names its own type parameter.</summary>
public interface IGenericVariants
{
    [Cached("item:{T}:{id}")]
    T Get<T>(int id);

    [Cached("item:{TItem}:{id}")]
    Task<TItem> GetAsync<TItem>(int id);

    [Cached("by:{T}:{key}")]
    T GetBy<T>(T key);

    [Cached("by:{TKey}:{key}")]
    ValueTask<TKey> GetByAsync<TKey>(TKey key);
}

/// <summary>Generic variants whose templates name their type parameters in other places, so one key would hold results of two types.</summary>
public interface ISwappedTypeArguments
{
    [Cached("pair:{TFirst}:{TSecond}:{id}")]
    TFirst Get<TFirst, TSecond>(int id);

    [Cached("pair:{TSecond}:{TFirst}:{id}")]
    Task<TFirst> GetAsync<TFirst, TSecond>(int id);
}

public interface IOpenItems<T>
{
    [Cached("item:{T}:{id}")]
    T Get(int id);
}

public interface IOtherOpenItems<T>
{
    [Cached("item:{T}:{id}")]
    Task<T> GetAsync(int id);
}

public sealed class OpenItems<T> : IOpenItems<T>, IOtherOpenItems<T>
{
    public T Get(int id) => default!;

    public Task<T> GetAsync(int id) => Task.FromResult<T>(default!);
}

public interface IItemsOf<T>
{
    [Cached("item:{T}:{id}")]
    string Get(int id);
}

public interface IFeaturedItem
{
    [Cached("item:System.Int64:7")]
    string Get();
}
