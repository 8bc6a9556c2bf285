using CacheAside.Interception;

namespace CacheAside.Tests.Keys
{
    /// <summary>Methods whose keys must all differ from each other's for different calls.</summary>
    public interface IKeyProbe
    {
        [Cached]
        string Find(int id);

        [Cached]
        string Find(long id);

        [Cached]
        string Find(string? name);

        [Cached]
        string Find(string? first, string? second);

        [Cached]
        string FindAny(object? value);

        [Cached]
        string Get<T>(string id);

        [Cached]
        string Describe<T>(T value);

        [Cached]
        string Describe<T>(int id);

        [Cached]
        string Widget(NamespaceA.Widget widget);

        [Cached]
        string Widget(NamespaceB.Widget widget);

        [Cached]
        string Price(decimal price);

        [Cached]
        string At(DateTime at);

        [Cached]
        string Many(int[] ids);

        [Cached("pair:{first}:{second}")]
        string Pair(string? first, string? second);

        [Cached("pair:{first}")]
        string Single(string? first);

        [Cached("order:{query.CustomerId}:{query.Region}")]
        string Orders(Registration.OrderQuery? query);

        [Cached("typed:{id}:{T}")]
        string Typed<T>(string id);

        [Cached]
        Task<string> WithToken(int id, CancellationToken cancellationToken);

        [Cached("find:{value}")]
        string FindTemplated(object? value);

        [Cached("find:{text}")]
        string FindText(string? text);

        [Cached("holder:{holder.Value}")]
        string HolderValue(Holder holder);

        [Cached]
        string Tenant(TenantQuery query);

        [Cached("tenant:{query}")]
        string TenantTemplated(TenantQuery query);

        [Cached]
        string Page(PagedQuery query);

        [Cached]
        string Login(Credentials credentials);

        [Cached]
        string Node(TreeNode? node);

        [Cached]
        string Items(IReadOnlyList<object?> items);

        [Cached]
        string Texts(List<string?> texts);

        [Cached]
        string Grid(int[,] grid);

        [Cached]
        string Paged(PagedIds ids);

        [Cached]
        string Filter(string term, [CacheKeyIgnore] Func<string, bool> progress);

        [Cached("set:{{{id}}}")]
        string Set(int id);

        [Cached("stock:{region}:{sku}")]
        string Stock(string region, string sku);

        [Cached("query:{query}")]
        string Query(System.Collections.Specialized.NameValueCollection query);

        [Cached]
        string Group(IGrouping<string, int> group);

        [Cached]
        string Groups(ILookup<string, int> groups);

        [Cached]
        string Changed(ChangedIdCollection ids);
    }

    public enum Colour
    {
        Red,
        Green,
    }

    public enum Size
    {
        Red,
        Large,
    }

    /// <summary>Serialized, it shows only the term: JSON ignores the tenant.</summary>
    public sealed class TenantQuery
    {
        public string Term { get; init; } = string.Empty;

        [System.Text.Json.Serialization.JsonIgnore]
        public int TenantId { get; init; }
    }

    /// <summary>Public fields, which System.Text.Json leaves out by default.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1051:Do not declare visible instance fields", Justification = "Public fields are the case under test.")]
    public sealed class PagedQuery
    {
        public string Term = string.Empty;
        public int Page;
    }

    /// <summary>State only in a private field of a base class and of its own.</summary>
    public class Principal(string tenant)
    {
        private readonly string _tenant = tenant;

        public override string ToString() => _tenant;
    }

    public sealed class Credentials(string tenant, string user) : Principal(tenant)
    {
        private readonly string _user = user;

        public override string ToString() => base.ToString() + "/" + _user;
    }

    public sealed class Holder
    {
        public object? Value { get; init; }
    }

    public sealed class TreeNode
    {
        public string Name { get; set; } = string.Empty;

        public TreeNode? Next { get; set; }
    }

    /// <summary>A list that also carries a page: the elements alone would lose it.</summary>
    public sealed class PagedIds : List<int>
    {
        public int Page { get; set; }
    }

    /// <summary>A query string that also carries a page, beside the names and values of its base.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1010:Generic interface should also be implemented", Justification = "A subclass of NameValueCollection is the case under test.")]
    public sealed class PagedNameValueCollection : System.Collections.Specialized.NameValueCollection
    {
        public int Page { get; set; }
    }

    /// <summary>A collection whose base is a framework class that is no collection: the base's state is not in the elements.</summary>
    public sealed class ChangedIdCollection(string propertyName, params int[] ids) : System.ComponentModel.PropertyChangedEventArgs(propertyName), IReadOnlyCollection<int>
    {
        private readonly int[] _ids = ids;

        public int Count => _ids.Length;

        public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_ids).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Overloads that close to one signature in <c>ITwinRepository&lt;int&gt;</c> only.</summary>
    public interface ITwinRepository<T>
    {
        [Cached]
        string Find(T value);

        [Cached]
        string Find(int id);
    }

    public interface IKeyedRepository<TKey>
    {
        [Cached("get:{TKey}:{id}")]
        string Get(TKey id);

        [Cached]
        string GetDefault(TKey id);
    }
}

namespace CacheAside.Tests.Keys.NamespaceA
{
    public sealed record Widget(int Id);
}

namespace CacheAside.Tests.Keys.NamespaceB
{
    public sealed record Widget(int Id);
}
