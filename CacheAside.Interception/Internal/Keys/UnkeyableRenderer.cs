namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A type no key can stand for — a delegate, a stream, a task — with the reason. The build rejects parameters
/// declared with it; a value met only at run time (behind <see langword="object"/>) throws <see cref="KeyRenderException"/>.
/// </summary>
internal sealed class UnkeyableRenderer : ValueRenderer
{
    public UnkeyableRenderer(Type type, string why)
        : base(type)
    {
        Why = why;
    }

    /// <summary>Gets what the type is and why a key cannot render it, e.g. "a delegate, whose code and captured variables a key cannot compare".</summary>
    public string Why { get; }

    public override void Write(KeyWriter writer, object value) => throw writer.Unkeyable(Type, Why);
}
