using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CacheAside.Demo.Catalog;

/// <summary>
/// A SQLite products database in a temporary file, created and seeded when a scenario starts and deleted
/// when it ends. Besides serving the repository, it answers what a row holds right now, so a scenario can
/// tell a stale read from a fresh one, and takes direct writes, as another service would make them.
/// </summary>
public sealed class ProductDatabase : IDisposable
{
    private static readonly string[] s_adjectives = ["Walnut", "Linen", "Copper", "Granite", "Maple", "Indigo", "Canvas", "Cedar"];
    private static readonly string[] s_nouns = ["desk lamp", "kettle", "armchair", "backpack", "teapot", "bookshelf", "rug", "clock", "mug"];

    private readonly string _path;
    private readonly string _connectionString;

    private ProductDatabase(string path)
    {
        _path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
    }

    /// <summary>Creates a database in a new temporary file, with products 1 to <paramref name="productCount"/>.</summary>
    /// <param name="productCount">How many products to seed.</param>
    /// <returns>The database; dispose it to delete the file.</returns>
    public static ProductDatabase CreateSeeded(int productCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(productCount, 1);
        var database = new ProductDatabase(Path.Combine(Path.GetTempPath(), $"cacheaside-demo-{Guid.NewGuid():N}.db"));
        try
        {
            database.Seed(productCount);
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Reads the row as it is now, without any simulated latency.</summary>
    /// <param name="id">The product's id.</param>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <returns>The product, or <see langword="null"/> when there is no such row.</returns>
    public async Task<Product?> FindAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, price_cents, version FROM products WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadProduct(reader) : null;
    }

    /// <summary>Sets a product's price and moves it to its next version, without any simulated latency.</summary>
    /// <param name="id">The product's id.</param>
    /// <param name="price">The new price; stored to the cent.</param>
    /// <param name="cancellationToken">Stops the update.</param>
    /// <returns>The updated row, or <see langword="null"/> when there is no such row.</returns>
    public async Task<Product?> UpdatePriceAsync(int id, decimal price, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE products SET price_cents = $cents, version = version + 1 WHERE id = $id RETURNING id, name, price_cents, version";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$cents", ToCents(price));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadProduct(reader) : null;
    }

    /// <summary>Deletes the database file.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        File.Delete(_path);
    }

    private void Seed(int productCount)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price_cents INTEGER NOT NULL, version INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO products (id, name, price_cents, version) VALUES ($id, $name, $cents, 1)";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var cents = insert.Parameters.Add("$cents", SqliteType.Integer);
        for (var product = 1; product <= productCount; product++)
        {
            id.Value = product;
            name.Value = NameOf(product);
            cents.Value = ToCents(SeedPrice(product));
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A price between 5.99 and 104.99 that depends only on the id.</summary>
    private static decimal SeedPrice(int id) => 5.99m + ((id * 37) % 100);

    private static Product ReadProduct(SqliteDataReader reader) =>
        new(reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2) / 100m, reader.GetInt32(3));

    private static long ToCents(decimal price) => decimal.ToInt64(decimal.Round(price * 100m, MidpointRounding.AwayFromZero));

    private static string NameOf(int id) =>
        string.Create(CultureInfo.InvariantCulture, $"{s_adjectives[id % s_adjectives.Length]} {s_nouns[id / s_adjectives.Length % s_nouns.Length]} #{id}");
}
