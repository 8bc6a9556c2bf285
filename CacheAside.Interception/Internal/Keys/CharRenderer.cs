namespace CacheAside.Interception.Internal.Keys;

/// <summary>A character, escaped as value text (a lone surrogate as <c>\uXXXX</c>).</summary>
internal sealed class CharRenderer : ValueRenderer<char>
{
    public override void WriteTyped(KeyWriter writer, char value) => KeyText.AppendValue(writer.Builder, new ReadOnlySpan<char>(in value));
}
