namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// An array of several dimensions, or with lower bounds: <c>[[lower,length,…],element,…]</c>. The bounds come
/// first because the elements alone would not tell a 2×3 array from a 3×2 one, or two empty ones apart.
/// </summary>
internal sealed class MultiDimensionalArrayRenderer : ValueRenderer
{
    private readonly KeySlot _element;

    public MultiDimensionalArrayRenderer(Type type)
        : base(type)
    {
        _element = new KeySlot(type.GetElementType()!);
    }

    public override IEnumerable<(string Name, KeySlot Slot)> Members => [("[]", _element)];

    public override void Write(KeyWriter writer, object value)
    {
        var array = (Array)value;
        if (writer.TryWriteBackReference(array))
        {
            return;
        }

        writer.Open(array, Type);
        writer.Builder.Append(KeyText.CompositeOpen);
        for (var dimension = 0; dimension < array.Rank; dimension++)
        {
            if (dimension > 0)
            {
                writer.Comma();
            }

            KeyText.AppendFormatted(writer.Builder, array.GetLowerBound(dimension), null);
            writer.Comma();
            KeyText.AppendFormatted(writer.Builder, array.GetLength(dimension), null);
        }

        writer.Builder.Append(KeyText.CompositeClose);
        foreach (var element in array)
        {
            writer.Comma();
            writer.CheckLength();
            _element.Write(writer, element);
        }

        writer.Close();
    }
}
