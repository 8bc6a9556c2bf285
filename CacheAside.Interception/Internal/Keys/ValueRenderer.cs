namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// Renders the values of one runtime type into a key body. Built once per type by
/// <see cref="ValueRenderers"/> and shared by every key; rendering reads state, never changes or consumes it.
/// </summary>
internal abstract class ValueRenderer
{
    private string? _tag;

    protected ValueRenderer(Type type)
    {
        Type = type;
    }

    /// <summary>Gets the type this renderer renders.</summary>
    public Type Type { get; }

    /// <summary>
    /// Gets the type tag, <c>(Namespace.Type)</c> (with <c>@Assembly</c> for a type that does not ship with .NET, see
    /// <see cref="TypeNames.Qualified"/>), written in front of a value whose declared type does not fix its runtime
    /// type. Untagged values never start with a raw <c>(</c>, so the two cannot meet.
    /// </summary>
    /// <remarks>Made on first use: the framework's own renderers are built before what tells framework types apart.</remarks>
    public string Tag => _tag ??= TagOf(Type);

    /// <summary>Gets the fields and elements whose declared types a build-time check looks into.</summary>
    public virtual IEnumerable<(string Name, KeySlot Slot)> Members => [];

    /// <summary>Writes <paramref name="value"/>, which is not <see langword="null"/> and of <see cref="Type"/>.</summary>
    public abstract void Write(KeyWriter writer, object value);

    /// <summary>
    /// Writes <paramref name="value"/> (not <see langword="null"/>, of <see cref="Type"/>) into <paramref name="destination"/>
    /// when its text is written as it stands: not empty, nothing in it escaped. <see langword="false"/> otherwise, and
    /// for every kind of value that is more than one text.
    /// </summary>
    public virtual bool TryWriteBare(object value, Span<char> destination, out int written)
    {
        written = 0;
        return false;
    }

    internal static string TagOf(Type type)
    {
        var builder = new System.Text.StringBuilder();
        builder.Append(KeyText.TagOpen);
        KeyText.AppendValue(builder, TypeNames.Qualified(type));
        return builder.Append(KeyText.TagClose).ToString();
    }
}
