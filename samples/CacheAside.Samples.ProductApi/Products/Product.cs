namespace CacheAside.Samples.ProductApi.Products;

/// <summary>A product as the API returns it and the cache stores it.</summary>
/// <param name="Id">The product's identity.</param>
/// <param name="Name">Its name.</param>
/// <param name="Price">Its price.</param>
public sealed record Product(int Id, string Name, decimal Price);
