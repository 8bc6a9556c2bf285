namespace CacheAside.Tests.Fakes;

public sealed record Product(int Id, string Name, decimal Price);
