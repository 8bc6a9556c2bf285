namespace CacheAside.Interception.Internal.Keys;

/// <summary>Strings, escaped as value text: lossless, unpaired surrogates included.</summary>
internal sealed class StringRenderer : ValueRenderer<string>
{
    public override void WriteTyped(KeyWriter writer, string value) => KeyText.AppendValue(writer.Builder, value);

    public override bool TryWriteBare(object value, Span<char> destination, out int written)
    {
        var text = (string)value;
        written = text.Length;
        return KeyText.IsBareValue(text) && text.TryCopyTo(destination);
    }
}
