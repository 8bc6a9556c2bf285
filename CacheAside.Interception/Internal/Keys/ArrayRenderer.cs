namespace CacheAside.Interception.Internal.Keys;

/// <summary>A one-dimensional, zero-based array: <c>[element,element,…]</c> in index order.</summary>
/// <typeparam name="TElement">The element type.</typeparam>
internal sealed class ArrayRenderer<TElement> : ValueRenderer<TElement[]>
{
    private readonly KeySlot _element = new(typeof(TElement));

    public override IEnumerable<(string Name, KeySlot Slot)> Members => [("[]", _element)];

    public override void WriteTyped(KeyWriter writer, TElement[] value)
    {
        if (writer.TryWriteBackReference(value))
        {
            return;
        }

        writer.Open(value, typeof(TElement[]));
        for (var i = 0; i < value.Length; i++)
        {
            if (i > 0)
            {
                writer.Comma();
                writer.CheckLength();
            }

            writer.Write(value[i], _element);
        }

        writer.Close();
    }
}
