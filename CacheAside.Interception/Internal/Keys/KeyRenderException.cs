namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// Thrown while rendering a key when an argument turns out, only at run time, to hold something no key can
/// stand for: a delegate in an <see langword="object"/> field, a stream behind an interface, a value nested
/// too deep. The call cannot be cached; the plan that renders the key catches this and reports a bypass.
/// The message names the parameter and the type, never a value.
/// </summary>
internal sealed class KeyRenderException : Exception
{
    public KeyRenderException()
        : base("An argument cannot be part of a cache key.")
    {
    }

    public KeyRenderException(string message)
        : base(message)
    {
    }

    public KeyRenderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
