namespace CacheAside.Interception.Internal.Keys;

/// <summary>Renders the body of a key (the part inside <c>prefix{…}</c>) from a call's arguments.</summary>
internal abstract class KeyRenderer
{
    /// <summary>Gets the positions of the arguments the key renders whole (not only a property of them).</summary>
    public abstract IReadOnlyList<int> Parameters { get; }

    /// <summary>Writes the body for <paramref name="arguments"/>; throws <see cref="KeyRenderException"/> for an argument no key can stand for.</summary>
    public abstract void Render(KeyWriter writer, object?[] arguments);
}
