namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A class or struct rendered from its state: <c>[field,field,…]</c> over every instance field (see
/// <see cref="StateFields"/>), never through what a serializer would show of it. The field reader is compiled
/// on first use; an object that is already open further up renders as a back reference, so cycles end.
/// </summary>
/// <typeparam name="T">The type rendered.</typeparam>
internal sealed class ObjectRenderer<T> : ValueRenderer<T>
{
    private readonly (System.Reflection.MemberInfo Member, string Name, KeySlot Slot)[] _fields;
    private Action<T, KeyWriter>? _write;

    public ObjectRenderer()
    {
        _fields = StateFields.Of(typeof(T));
    }

    public override IEnumerable<(string Name, KeySlot Slot)> Members => _fields.Select(f => (f.Name, f.Slot));

    public override void WriteTyped(KeyWriter writer, T value)
    {
        object? identity = typeof(T).IsValueType ? null : value;
        if (identity is not null && writer.TryWriteBackReference(identity))
        {
            return;
        }

        writer.Open(identity, typeof(T));
        (_write ??= StateFields.Compile<T>(typeof(T), _fields))(value, writer);
        writer.Close();
    }
}
