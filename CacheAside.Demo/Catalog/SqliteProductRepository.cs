namespace CacheAside.Demo.Catalog;

/// <summary>
/// The real repository behind the cache: SQL against the products database, each call paying a simulated
/// network round trip first, as a database on another machine would cost.
/// </summary>
public sealed class SqliteProductRepository : IProductRepository
{
    private readonly ProductDatabase _database;
    private readonly TimeSpan _latency;

    /// <summary>Creates a repository over <paramref name="database"/>.</summary>
    /// <param name="database">The products database.</param>
    /// <param name="latency">The round-trip time added to every call.</param>
    public SqliteProductRepository(ProductDatabase database, TimeSpan latency)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        _database = database;
        _latency = latency;
    }

    /// <inheritdoc/>
    public async Task<Product?> GetByIdAsync(int id, CancellationToken cancellationToken = default)
    {
        await Task.Delay(_latency, cancellationToken);
        return await _database.FindAsync(id, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<Product> ChangePriceAsync(int id, decimal price, CancellationToken cancellationToken = default)
    {
        await Task.Delay(_latency, cancellationToken);
        return await _database.UpdatePriceAsync(id, price, cancellationToken)
            ?? throw new KeyNotFoundException($"There is no product {id}.");
    }
}
