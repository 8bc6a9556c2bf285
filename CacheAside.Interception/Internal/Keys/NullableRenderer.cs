namespace CacheAside.Interception.Internal.Keys;

/// <summary>A field of type <c>T?</c>: <c>\0</c> or the value, unboxed.</summary>
/// <typeparam name="T">The underlying type.</typeparam>
internal sealed class NullableRenderer<T> : ValueRenderer<T?>
    where T : struct
{
    private readonly KeySlot _value = new(typeof(T));

    public override IEnumerable<(string Name, KeySlot Slot)> Members => [(string.Empty, _value)];

    public override void WriteTyped(KeyWriter writer, T? value)
    {
        if (value.HasValue)
        {
            writer.Write(value.GetValueOrDefault(), _value);
        }
        else
        {
            writer.WriteNull();
        }
    }
}
