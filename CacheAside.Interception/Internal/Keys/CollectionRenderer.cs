using System.Collections;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A collection (it implements <see cref="ICollection"/>, <see cref="ICollection{T}"/> or
/// <see cref="IReadOnlyCollection{T}"/>, so enumerating it reads it without consuming it): <c>[element,…]</c> in
/// enumeration order. Fields that a type outside the framework adds to it follow the elements:
/// <c>[[element,…],field,…]</c>, so a list that also carries a page number keeps the page in its key.
/// Equal sets or dictionaries enumerated in another order get another key: a lost hit, never a wrong answer.
/// </summary>
/// <typeparam name="TElement">The element type the collection enumerates (<see langword="object"/> when it has none or several).</typeparam>
internal sealed class CollectionRenderer<TElement> : ValueRenderer
{
    private readonly KeySlot _element = new(typeof(TElement));
    private readonly (System.Reflection.FieldInfo Field, string Name, KeySlot Slot)[] _own;
    private Action<object, KeyWriter>? _writeOwn;

    public CollectionRenderer(Type type)
        : base(type)
    {
        _own = StateFields.Of(type, ownOnly: true);
    }

    public override IEnumerable<(string Name, KeySlot Slot)> Members =>
        _own.Select(f => (f.Name, f.Slot)).Prepend(("[]", _element));

    public override void Write(KeyWriter writer, object value)
    {
        var identity = Type.IsValueType ? null : value;
        if (identity is not null && writer.TryWriteBackReference(identity))
        {
            return;
        }

        writer.Open(identity, Type);
        if (_own.Length > 0)
        {
            writer.Builder.Append(KeyText.CompositeOpen);
        }

        var first = true;
        if (value is List<TElement> list)
        {
            // The common case, enumerated without boxing its enumerator.
            foreach (var element in list)
            {
                Separate(writer, ref first);
                writer.Write(element, _element);
            }
        }
        else if (value is IEnumerable<TElement> typed)
        {
            foreach (var element in typed)
            {
                Separate(writer, ref first);
                writer.Write(element, _element);
            }
        }
        else
        {
            foreach (var element in (IEnumerable)value)
            {
                Separate(writer, ref first);
                _element.Write(writer, element);
            }
        }

        if (_own.Length > 0)
        {
            writer.Builder.Append(KeyText.CompositeClose);
            writer.Comma();
            (_writeOwn ??= StateFields.Compile<object>(Type, _own))(value, writer);
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
