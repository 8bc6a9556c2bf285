using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A key template compiled against one method: literal text, and placeholders that read an argument,
/// a property path of one, or (already resolved to text) a generic type argument.
/// </summary>
internal sealed class KeyTemplate : KeyRenderer
{
    private readonly Segment[] _segments;

    internal KeyTemplate(string text, string shape, Segment[] segments)
    {
        Text = text;
        Shape = shape;
        _segments = segments;
    }

    /// <summary>Gets the template as written in the attribute.</summary>
    public string Text { get; }

    /// <summary>
    /// Gets the template with every placeholder written as <c>{}</c>: two templates of the same shape can
    /// render the same key.
    /// </summary>
    public string Shape { get; }

    public override void Render(StringBuilder builder, object?[] arguments)
    {
        foreach (var segment in _segments)
        {
            segment.Render(builder, arguments);
        }
    }

    internal abstract class Segment
    {
        public abstract void Render(StringBuilder builder, object?[] arguments);
    }

    internal sealed class Literal(string text) : Segment
    {
        public override void Render(StringBuilder builder, object?[] arguments) => builder.Append(text);
    }

    internal sealed class Argument(int index, Func<object, object?>[] path) : Segment
    {
        public override void Render(StringBuilder builder, object?[] arguments)
        {
            var value = arguments[index];
            foreach (var step in path)
            {
                if (value is null)
                {
                    break;
                }

                value = step(value);
            }

            KeyValueFormatter.Append(builder, value);
        }
    }
}
