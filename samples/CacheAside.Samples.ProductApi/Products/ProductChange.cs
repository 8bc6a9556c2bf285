namespace CacheAside.Samples.ProductApi.Products;

/// <summary>The body of <c>PUT /products/{id}</c>.</summary>
/// <param name="Name">The new name.</param>
/// <param name="Price">The new price.</param>
public sealed record ProductChange(string Name, decimal Price);
