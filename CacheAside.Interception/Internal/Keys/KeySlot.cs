namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A place in a key with a declared type: a parameter, the end of a property path, a field, the elements of a
/// collection. A value of exactly the declared type renders bare; any other runtime type renders with its
/// type tag in front, so <c>1</c> and <c>"1"</c> in an <see langword="object"/> parameter never meet.
/// </summary>
internal sealed class KeySlot
{
    private readonly Type _exact;
    private readonly bool _typeValued;
    private ValueRenderer? _renderer;
    private ValueRenderer? _exactRenderer;

    public KeySlot(Type declared)
    {
        Declared = declared;
        _exact = Nullable.GetUnderlyingType(declared) ?? declared;

        // Every Type renders as its canonical name, whatever subclass of Type the runtime hands out.
        _typeValued = declared == typeof(Type);
    }

    /// <summary>A slot whose values are all rendered by <paramref name="renderer"/>, whatever the type's own renderer would be.</summary>
    public KeySlot(Type declared, ValueRenderer renderer)
        : this(declared)
    {
        _renderer = renderer;
        _exactRenderer = renderer;
    }

    public Type Declared { get; }

    /// <summary>
    /// Tells whether every value a slot declared <paramref name="declared"/> holds is of exactly that type (a struct,
    /// a sealed class, an array of such), so its values always render bare; in any other slot, a value of another
    /// type than declared renders with its type tag.
    /// </summary>
    public static bool FixesRuntimeType(Type declared)
    {
        var exact = Nullable.GetUnderlyingType(declared) ?? declared;
        return exact == typeof(Type) || exact.IsValueType || (exact.IsArray ? FixesRuntimeType(exact.GetElementType()!) : exact.IsSealed);
    }

    /// <summary>Gets the renderer of the declared type (resolved on first use, so recursive types can point at themselves).</summary>
    public ValueRenderer Renderer => _renderer ??= ValueRenderers.For(Declared);

    public void Write(KeyWriter writer, object? value)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }

        var type = value.GetType();
        if (type == _exact || (_typeValued && value is Type))
        {
            (_exactRenderer ??= ValueRenderers.For(_exact)).Write(writer, value);
            return;
        }

        var runtime = ValueRenderers.For(type);
        writer.Builder.Append(runtime.Tag);
        runtime.Write(writer, value);
    }

    /// <summary>Writes <paramref name="value"/> as <see cref="Write"/> would, when that is its text as it stands (a value of exactly the declared type, no escape).</summary>
    public bool TryWriteBare(object? value, Span<char> destination, out int written)
    {
        if (value is null || value.GetType() != _exact || _typeValued)
        {
            written = 0;
            return false;
        }

        return (_exactRenderer ??= ValueRenderers.For(_exact)).TryWriteBare(value, destination, out written);
    }
}
