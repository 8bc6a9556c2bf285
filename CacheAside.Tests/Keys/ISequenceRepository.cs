using CacheAside.Interception;

namespace CacheAside.Tests.Keys;

/// <summary>Reads and writes whose keys are made of sequences.</summary>
public interface ISequenceRepository
{
    [Cached]
    int Sum(IEnumerable<int> values);

    [Cached("count:{values}")]
    Task<int> CountAsync(System.Collections.IEnumerable values);

    [Cached("first:{label}")]
    int First(string label, IEnumerable<int> values);

    [Invalidates("sum:{values}")]
    void Forget(IEnumerable<int> values);
}

/// <summary>Records what it was given.</summary>
public sealed class SequenceSource : ISequenceRepository
{
    public List<int[]> Received { get; } = [];

    public int Sum(IEnumerable<int> values)
    {
        var read = values.ToArray();
        Received.Add(read);
        return read.Sum();
    }

    public Task<int> CountAsync(System.Collections.IEnumerable values) => Task.FromResult(values.Cast<object>().Count());

    public int First(string label, IEnumerable<int> values) => values.First();

    public void Forget(IEnumerable<int> values) => Received.Add(values.ToArray());
}
