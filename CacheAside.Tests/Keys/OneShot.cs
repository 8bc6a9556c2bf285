using System.Collections;

namespace CacheAside.Tests.Keys;

/// <summary>A sequence that can be read once, like a reader over a network stream: a second read throws.</summary>
public sealed class OneShot<T> : IEnumerable<T>
{
    private readonly T[] _items;
    private bool _read;

    public OneShot(params T[] items)
    {
        _items = items;
    }

    public IEnumerator<T> GetEnumerator()
    {
        if (_read)
        {
            throw new InvalidOperationException("This sequence can be read only once.");
        }

        _read = true;
        return ((IEnumerable<T>)_items).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
