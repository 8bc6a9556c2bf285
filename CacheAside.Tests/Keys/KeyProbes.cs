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
