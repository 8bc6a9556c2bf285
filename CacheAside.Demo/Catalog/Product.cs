namespace CacheAside.Demo.Catalog;

/// <summary>A row of the demo's products table.</summary>
/// <param name="Id">The primary key.</param>
/// <param name="Name">The product's name.</param>
/// <param name="Price">The current price.</param>
/// <param name="Version">Starts at 1 and grows by one with every write, so an old copy is easy to spot.</param>
public sealed record Product(int Id, string Name, decimal Price, int Version);
