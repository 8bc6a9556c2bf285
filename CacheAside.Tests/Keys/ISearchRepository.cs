using System.Collections.Specialized;
using CacheAside.Interception;

namespace CacheAside.Tests.Keys;

public interface ISearchRepository
{
    [Cached("search:{query}")]
    string Search(NameValueCollection query);
}

public sealed class SearchSource : ISearchRepository
{
    public int Calls { get; private set; }

    public string Search(NameValueCollection query)
    {
        Calls++;
        return query["q"] ?? "nothing";
    }
}
