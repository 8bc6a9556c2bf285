using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>Renders the part of a key after the prefix from a call's arguments.</summary>
internal abstract class KeyRenderer
{
    /// <summary>Appends the key for <paramref name="arguments"/> to <paramref name="builder"/>.</summary>
    public abstract void Render(StringBuilder builder, object?[] arguments);
}
