namespace CacheAside.Interception.Internal.Keys;

/// <summary>A decimal without the trailing zeros of its scale: <c>1.5m</c> and <c>1.50m</c> are equal, so they share a key.</summary>
internal sealed class DecimalRenderer : ValueRenderer<decimal>
{
    public override void WriteTyped(KeyWriter writer, decimal value) =>
        KeyText.AppendFormatted(writer.Builder, value / 1.0000000000000000000000000000m, null);
}
