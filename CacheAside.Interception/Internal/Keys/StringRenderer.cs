namespace CacheAside.Interception.Internal.Keys;

/// <summary>Strings, escaped as value text: lossless, unpaired surrogates included.</summary>
internal sealed class StringRenderer : ValueRenderer<string>
{
    public override void WriteTyped(KeyWriter writer, string value) => KeyText.AppendValue(writer.Builder, value);
}
