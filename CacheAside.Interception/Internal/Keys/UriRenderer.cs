namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A <see cref="Uri"/>: an absolute one as its canonical <see cref="Uri.AbsoluteUri"/>, a relative one as the text
/// it was made from. A relative text never parses as an absolute URI, so the two kinds cannot meet.
/// </summary>
internal sealed class UriRenderer : ValueRenderer<Uri>
{
    public override void WriteTyped(KeyWriter writer, Uri value) =>
        KeyText.AppendValue(writer.Builder, value.IsAbsoluteUri ? value.AbsoluteUri : value.OriginalString);
}
