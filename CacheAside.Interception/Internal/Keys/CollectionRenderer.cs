using System.Collections;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A collection (it implements <see cref="ICollection"/>, <see cref="ICollection{T}"/> or
/// <see cref="IReadOnlyCollection{T}"/>, so enumerating it reads it without consuming it): <c>[element,…]</c> in
/// enumeration order. What its elements do not carry follows them (see <see cref="StateFields.BesideElements"/>):
/// <c>[[element,…],field,…]</c>, so a list that also carries a page number keeps the page in its key, and a group
/// its key. A collection whose enumeration shows only part of what it holds is read through its contents instead
/// (a <see cref="System.Collections.Specialized.NameValueCollection"/> enumerates only its names).
/// Equal sets or dictionaries enumerated in another order get another key: a lost hit, never a wrong answer.
/// </summary>
/// <typeparam name="TElement">The element type the collection enumerates (<see langword="object"/> when it has none or several).</typeparam>
internal sealed class CollectionRenderer<TElement> : ValueRenderer
{
    private readonly KeySlot _element = new(typeof(TElement));
    private readonly Func<object, IEnumerable<TElement>>? _contents;
    private readonly (System.Reflection.MemberInfo Member, string Name, KeySlot Slot)[] _beside;
    private Action<object, KeyWriter>? _writeBeside;

    public CollectionRenderer(Type type)
        : base(type)
    {
        _beside = StateFields.BesideElements(type);
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
        if (_beside.Length > 0)
        {
            writer.Builder.Append(KeyText.CompositeOpen);
        }

        var first = true;
        var elements = _contents is null ? value : _contents(value);
        if (elements is List<TElement> list)
        {
            // The common case, enumerated without boxing its enumerator.
            foreach (var element in list)
            {
                Separate(writer, ref first);
                writer.Write(element, _element);
            }
        }
        else if (elements is IEnumerable<TElement> typed)
        {
            foreach (var element in typed)
            {
                Separate(writer, ref first);
                writer.Write(element, _element);
            }
        }
        else
        {
            foreach (var element in (IEnumerable)elements)
            {
                Separate(writer, ref first);
                _element.Write(writer, element);
            }
        }

        if (_beside.Length > 0)
        {
            writer.Builder.Append(KeyText.CompositeClose);
            writer.Comma();
            (_writeBeside ??= StateFields.Compile<object>(Type, _beside))(value, writer);
        }

        writer.Close();
    }

    private static void Separate(KeyWriter writer, ref bool first)
    {
        if (!first)
        {
            writer.Comma();
            writer.CheckLength();
        }

        first = false;
    }
}
