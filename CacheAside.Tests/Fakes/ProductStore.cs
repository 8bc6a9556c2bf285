using System.Collections.Concurrent;

namespace CacheAside.Tests.Fakes;

/// <summary>
/// The implementation behind the proxy: an in-memory table with a simulated latency, counting how often it
/// is really called, and able to fail or hold writes open on request.
/// </summary>
public sealed class ProductStore : IProductRepository
{
    private readonly ConcurrentDictionary<int, Product> _rows = new();
    private int _reads;
    private int _writes;

    public ProductStore(TimeSpan? latency = null)
    {
        Latency = latency ?? TimeSpan.Zero;
        for (var id = 1; id <= 50; id++)
        {
            _rows[id] = new Product(id, $"Product {id}", 10m + id);
        }
    }

    public TimeSpan Latency { get; set; }

    /// <summary>Gets the number of reads that reached this implementation.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Gets the number of writes that reached this implementation.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Gets or sets an exception every read and write throws (or faults with, when async).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Gets or sets a gate async writes wait on after changing the row, before completing.</summary>
    public TaskCompletionSource? WriteGate { get; set; }

    /// <summary>Changes a row behind the cache's back, as another service would.</summary>
    public void SetRow(Product product) => _rows[product.Id] = product;

    public Product? Row(int id) => _rows.TryGetValue(id, out var row) ? row : null;

    public Product? GetById(int id)
    {
        Read();
        Thread.Sleep(Latency);
        return Row(id);
    }

    public async Task<Product?> GetByIdAsync(int id, CancellationToken cancellationToken = default)
    {
        Read();
        await Task.Delay(Latency, cancellationToken);
        return Row(id);
    }

    public async ValueTask<Product?> GetByIdValueTaskAsync(int id)
    {
        Read();
        await Task.Delay(Latency);
        return Row(id);
    }

    public async Task<Product?> FindAsync(int id)
    {
        Read();
        await Task.Delay(Latency);
        return Row(id);
    }

    public int Count()
    {
        Read();
        return _rows.Count;
    }

    public void Update(Product product)
    {
        Write();
        _rows[product.Id] = product;
    }

    public async Task UpdateAsync(Product product)
    {
        await WriteAsync(product);
    }

    public async Task<bool> TryUpdateAsync(Product product)
    {
        await WriteAsync(product);
        return true;
    }

    public async ValueTask UpdateValueTaskAsync(Product product)
    {
        await WriteAsync(product);
    }

    public async ValueTask<int> InsertAsync(Product product)
    {
        await WriteAsync(product);
        return product.Id;
    }

    public string Describe(int id) => $"product {id}";

    private void Read()
    {
        Interlocked.Increment(ref _reads);
        if (Failure is not null)
        {
            throw Failure;
        }
    }

    private void Write()
    {
        Interlocked.Increment(ref _writes);
        if (Failure is not null)
        {
            throw Failure;
        }
    }

    private async Task WriteAsync(Product product)
    {
        Interlocked.Increment(ref _writes);
        await Task.Yield();
        if (Failure is not null)
        {
            throw Failure;
        }

        _rows[product.Id] = product;
        if (WriteGate is { } gate)
        {
            await gate.Task;
        }
    }
}
