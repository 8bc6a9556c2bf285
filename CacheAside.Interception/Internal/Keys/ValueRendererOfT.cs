namespace CacheAside.Interception.Internal.Keys;

/// <summary>A renderer that can also take its values unboxed, so fields and elements of value types cost no allocation.</summary>
/// <typeparam name="T">The type rendered.</typeparam>
internal abstract class ValueRenderer<T> : ValueRenderer
{
    protected ValueRenderer()
        : base(typeof(T))
    {
    }

    public abstract void WriteTyped(KeyWriter writer, T value);

    public override void Write(KeyWriter writer, object value) => WriteTyped(writer, (T)value);
}
