namespace CacheAside.Interception.Internal.Keys;

/// <summary><c>true</c> or <c>false</c>.</summary>
internal sealed class BooleanRenderer : ValueRenderer<bool>
{
    public override void WriteTyped(KeyWriter writer, bool value) => writer.Builder.Append(value ? "true" : "false");
}
