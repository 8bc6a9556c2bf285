namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A key template compiled against one method: literal text (escaped once, when compiled), and placeholders
/// that read an argument or a property path of one, or (already resolved to text) a type parameter.
/// </summary>
internal sealed class KeyTemplate : KeyRenderer
{
    private readonly Segment[] _segments;
    private readonly int[] _parameters;

    internal KeyTemplate(string text, string shape, Segment[] segments)
    {
        Text = text;
        Shape = shape;
        _segments = segments;
        _parameters = segments.OfType<Argument>().Where(a => a.IsWhole).Select(a => a.Index).Distinct().ToArray();
        PlaceholderTypes = segments.OfType<Argument>().Select(a => a.Declared).ToArray();
    }

    /// <summary>
    /// Gets the declared type of each placeholder, in order: values of a type the declared type fixes render
    /// without it, so two templates of one shape share keys only when their placeholders' types agree.
    /// </summary>
    public IReadOnlyList<Type> PlaceholderTypes { get; }

    /// <summary>Gets the template as written in the attribute.</summary>
    public string Text { get; }

    /// <summary>
    /// Gets the template with every placeholder written as <c>{}</c>: two templates of the same shape can
    /// render the same key.
    /// </summary>
    public string Shape { get; }

    public override IReadOnlyList<int> Parameters => _parameters;

    /// <summary>Gets every body the template can render, for build-time checks.</summary>
    public KeyLanguage Language => KeyLanguage.Sequence(_segments.Select(s => s.Language).ToArray());

    public override void Render(KeyWriter writer, object?[] arguments)
    {
        foreach (var segment in _segments)
        {
            segment.Render(writer, arguments);
        }

        writer.Parameter = null;
    }

    internal abstract class Segment
    {
        /// <summary>Gets every text the segment can render.</summary>
        public abstract KeyLanguage Language { get; }

        public abstract void Render(KeyWriter writer, object?[] arguments);
    }

    /// <summary>Literal text, already escaped for a key body.</summary>
    internal sealed class Literal(string rendered) : Segment
    {
        /// <summary>
        /// Gets a value indicating whether the text is the name of a type parameter not yet closed (a generic method or
        /// interface validated before it is closed): it then stands for the name of any type.
        /// </summary>
        public bool StandsForAnyType { get; init; }

        public override KeyLanguage Language => StandsForAnyType ? ValueForms.TypeName : KeyLanguage.Text(rendered);

        public override void Render(KeyWriter writer, object?[] arguments) => writer.Builder.Append(rendered);
    }

    /// <summary>An argument, or the end of a property path of one, rendered in the slot of its declared type.</summary>
    internal sealed class Argument(int index, string name, Func<object, object?>[] path, KeySlot slot) : Segment
    {
        public int Index => index;

        public bool IsWhole => path.Length == 0;

        public Type Declared => slot.Declared;

        public override KeyLanguage Language => ValueForms.Of(slot.Declared, canBeNull: !IsWhole);

        public override void Render(KeyWriter writer, object?[] arguments)
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

            writer.Parameter = name;
            slot.Write(writer, value);
        }
    }
}
