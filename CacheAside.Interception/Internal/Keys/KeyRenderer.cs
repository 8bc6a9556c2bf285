namespace CacheAside.Interception.Internal.Keys;

/// <summary>Renders the body of a key (the part inside <c>prefix{…}</c>) from a call's arguments.</summary>
internal abstract class KeyRenderer
{
    /// <summary>Gets the positions of the arguments the key renders whole (not only a property of them).</summary>
    public abstract IReadOnlyList<int> Parameters { get; }

    /// <summary>Writes the body for <paramref name="arguments"/>; throws <see cref="KeyRenderException"/> for an argument no key can stand for.</summary>
    public abstract void Render(KeyWriter writer, object?[] arguments);

    /// <summary>
    /// Writes the body into <paramref name="destination"/> when every part of it is text as it stands: a literal, or a
    /// plain value that needs no escape and no type tag. <see langword="false"/> (nothing to undo) whenever
    /// <see cref="Render"/> would write anything else, or the body does not fit; the key is then rendered by it.
    /// </summary>
    public virtual bool TryRenderBare(Span<char> destination, object?[] arguments, out int written)
    {
        written = 0;
        return false;
    }
}
