namespace CacheAside.Interception.Internal.Keys;

/// <summary>A <see cref="Type"/> value, as its name with its assembly (<see cref="TypeNames.Qualified"/>); whatever subclass of Type the runtime uses, its tag is <c>(System.Type)</c>.</summary>
internal sealed class TypeRenderer : ValueRenderer
{
    public TypeRenderer()
        : base(typeof(Type))
    {
    }

    public override void Write(KeyWriter writer, object value) => KeyText.AppendValue(writer.Builder, TypeNames.Qualified((Type)value));
}
