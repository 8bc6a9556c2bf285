using System.Collections;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A collection (it implements <see cref="ICollection"/>, <see cref="ICollection{T}"/> or
/// <see cref="IReadOnlyCollection{T}"/>, so enumerating it reads it without consuming it): <c>[element,…]</c> in
/// enumeration order. What its elements do not carry follows them (see <see cref="StateFields.BesideElements"/>):
/// <c>[[element,…],field,…]</c>, so a list that also carries a page number keeps the page in its key, and a group
/// its key; so do the comparers of the framework's sets and dictionaries (<see cref="ComparerRenderer"/>), first. A collection whose enumeration shows only part of what it holds is read through its contents instead
/// (a <see cref="System.Collections.Specialized.NameValueCollection"/> enumerates only its names).
/// A set, a dictionary or a bag (<see cref="ValueRenderers.IsUnordered"/>) writes its elements in the ordinal order of their
/// texts, not in the order it enumerates them, which depends on the order it was filled in and on hash codes (a string's
/// differs from process to process): equal sets share a key in every process, so an invalidation in one process
/// deletes what a read in another stored.
/// </summary>
/// <typeparam name="TElement">The element type the collection enumerates (<see langword="object"/> when it has none or several).</typeparam>
internal sealed class CollectionRenderer<TElement> : ValueRenderer
{
    private readonly KeySlot _element = new(typeof(TElement));
    private readonly Func<object, IEnumerable<TElement>>? _contents;
    private readonly (System.Reflection.MemberInfo Member, string Name, KeySlot Slot)[] _beside;
    private readonly bool _unordered;
    private readonly Func<object, object?>[] _comparers;
    private Action<object, KeyWriter>? _writeBeside;

    public CollectionRenderer(Type type)
        : base(type)
    {
        _beside = StateFields.BesideElements(type);
        _unordered = ValueRenderers.IsUnordered(type);
        _comparers = ComparerRenderer.Of(type);
    }

    /// <param name="type">The collection type.</param>
    /// <param name="contents">Reads what a collection of <paramref name="type"/> holds, as elements, in place of its enumeration.</param>
    public CollectionRenderer(Type type, Func<object, IEnumerable<TElement>> contents)
        : this(type)
    {
        _contents = contents;
    }

    public override IEnumerable<(string Name, KeySlot Slot)> Members =>
        _beside.Select(f => (f.Name, f.Slot)).Prepend(("[]", _element));

    public override void Write(KeyWriter writer, object value)
    {
        var identity = Type.IsValueType ? null : value;
        if (identity is not null && writer.TryWriteBackReference(identity))
        {
            return;
        }

        writer.Open(identity, Type);
        var followed = _beside.Length > 0 || _comparers.Length > 0;
        if (followed)
        {
            writer.Builder.Append(KeyText.CompositeOpen);
        }

        var first = true;
        var starts = _unordered ? new List<int>() : null;
        var elements = _contents is null ? value : _contents(value);
        if (elements is List<TElement> list)
        {
            // The common case, enumerated without boxing its enumerator.
            foreach (var element in list)
            {
                Separate(writer, ref first, starts);
                writer.Write(element, _element);
            }
        }
        else if (elements is IEnumerable<TElement> typed)
        {
            foreach (var element in typed)
            {
                Separate(writer, ref first, starts);
                writer.Write(element, _element);
            }
        }
        else
        {
            foreach (var element in (IEnumerable)elements)
            {
                Separate(writer, ref first, starts);
                _element.Write(writer, element);
            }
        }

        if (starts is { Count: > 1 })
        {
            InOrdinalOrder(writer.Builder, starts);
        }

        if (followed)
        {
            writer.Builder.Append(KeyText.CompositeClose);
        }

        foreach (var comparer in _comparers)
        {
            writer.Comma();
            ComparerRenderer.Write(writer, comparer(value));
        }

        if (_beside.Length > 0)
        {
            writer.Comma();
            (_writeBeside ??= StateFields.Compile<object>(Type, _beside))(value, writer);
        }

        writer.Close();
    }

    private static void Separate(KeyWriter writer, ref bool first, List<int>? starts)
    {
        if (!first)
        {
            writer.Comma();
            writer.CheckLength();
        }

        first = false;
        starts?.Add(writer.Builder.Length);
    }

    /// <summary>
    /// Rewrites the elements written from <paramref name="starts"/> on in the ordinal order of their texts. Each is a
    /// whole value whose own commas are escaped or inside its brackets, and a back reference counts levels, not places,
    /// so the elements read back as the same ones in any order.
    /// </summary>
    private static void InOrdinalOrder(System.Text.StringBuilder builder, List<int> starts)
    {
        var texts = new string[starts.Count];
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] - 1 : builder.Length;
            texts[i] = builder.ToString(starts[i], end - starts[i]);
        }

        Array.Sort(texts, StringComparer.Ordinal);
        builder.Length = starts[0];
        builder.AppendJoin(KeyText.ItemSeparator, texts);
    }
}
