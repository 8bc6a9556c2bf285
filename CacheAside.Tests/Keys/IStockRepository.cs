using CacheAside.Interception;

namespace CacheAside.Tests.Keys;

public interface IStockRepository
{
    [Cached("stock:{region}:{sku}")]
    int Level(string region, string sku);
}

public sealed class StockSource : IStockRepository
{
    public int Level(string region, string sku) => region.Length + sku.Length;
}
