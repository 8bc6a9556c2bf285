namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A key template compiled against one method: literal text (escaped once, when compiled), and placeholders
/// that read an argument or a property path of one, or (already resolved to text) a type parameter.
/// </summary>
internal sealed class KeyTemplate : KeyRenderer
{
    private readonly Segment[] _segments;
    private readonly int[] _parameters;
    private readonly Dictionary<Type, string> _renderedTypeParameters = [];

    internal KeyTemplate(string text, string shape, Segment[] segments)
    {
        Text = text;
        Shape = shape;
        _segments = segments;
        _parameters = segments.OfType<Argument>().Where(a => a.IsWhole).Select(a => a.Index).Distinct().ToArray();
        PlaceholderTypes = segments.OfType<Argument>().Select(a => a.Declared).ToArray();
        Form = string.Concat(segments.Select(s => s.Form));

        var placeholder = 0;
        foreach (var segment in segments.Where(s => s is Argument or Literal { TypeArgument: not null }))
        {
            if (segment is Literal { TypeArgument: { IsGenericParameter: true } parameter })
            {
                _renderedTypeParameters.TryAdd(parameter, "{" + placeholder.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}");
            }

            placeholder++;
        }
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

    /// <summary>
    /// Gets the template as the keys it renders see it: literal text as rendered (a type placeholder already closed is
    /// literal text), and each other placeholder by what it renders. Two templates of one form render the same keys
    /// from the same arguments, so one stands for the other in build-time checks.
    /// </summary>
    public string Form { get; }

    public override IReadOnlyList<int> Parameters => _parameters;

    /// <summary>
    /// The canonical name of <paramref name="type"/> as keys of this template tell it: a type parameter not yet closed
    /// that a placeholder renders is written as that placeholder's position (<c>{0}</c>), whichever method or interface
    /// declares it. Two templates of one shape that resolve a type alike hold it in every key both render:
    /// <c>T Get&lt;T&gt;</c> and <c>Task&lt;TItem&gt; GetAsync&lt;TItem&gt;</c> keyed <c>item:{T}:{id}</c> and <c>item:{TItem}:{id}</c>.
    /// </summary>
    public string Resolve(Type type) => TypeNames.QualifiedWith(type, t => _renderedTypeParameters.GetValueOrDefault(t));

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

    public override bool TryRenderBare(Span<char> destination, object?[] arguments, out int written)
    {
        written = 0;
        foreach (var segment in _segments)
        {
            if (!segment.TryRenderBare(destination[written..], arguments, out var length))
            {
                return false;
            }

            written += length;
        }

        return true;
    }

    internal abstract class Segment
    {
        /// <summary>Gets every text the segment can render.</summary>
        public abstract KeyLanguage Language { get; }

        /// <summary>Gets what the segment renders, for <see cref="KeyTemplate.Form"/>: rendered text has no raw brace, a placeholder is in braces.</summary>
        public abstract string Form { get; }

        public abstract void Render(KeyWriter writer, object?[] arguments);

        /// <summary>Writes what <see cref="Render"/> would, when that is text as it stands (see <see cref="KeyRenderer.TryRenderBare"/>).</summary>
        public abstract bool TryRenderBare(Span<char> destination, object?[] arguments, out int written);
    }

    /// <summary>Literal text, already escaped for a key body.</summary>
    internal sealed class Literal(string rendered) : Segment
    {
        /// <summary>
        /// Gets the type a type placeholder names, or <see langword="null"/> for literal text. A type parameter not yet
        /// closed (a generic method or interface validated before it is closed) stands for the name of any type.
        /// </summary>
        public Type? TypeArgument { get; init; }

        public override KeyLanguage Language => TypeArgument is { IsGenericParameter: true } ? ValueForms.TypeName : KeyLanguage.Text(rendered);

        public override string Form => TypeArgument is { IsGenericParameter: true } ? "{type}" : rendered;

        public override void Render(KeyWriter writer, object?[] arguments) => writer.Builder.Append(rendered);

        public override bool TryRenderBare(Span<char> destination, object?[] arguments, out int written)
        {
            written = rendered.Length;
            return rendered.TryCopyTo(destination);
        }
    }

    /// <summary>An argument, or the end of a property path of one, rendered in the slot of its declared type.</summary>
    internal sealed class Argument(int index, string name, Func<object, object?>[] path, KeySlot slot) : Segment
    {
        public int Index => index;

        public bool IsWhole => path.Length == 0;

        public Type Declared => slot.Declared;

        public override KeyLanguage Language => IsWhole ? ValueForms.Of(slot.Declared, canBeNull: false) : ValueForms.OfPath(slot.Declared, path.Length);

        public override string Form => "{" + TypeNames.Qualified(slot.Declared) + (IsWhole ? string.Empty : "." + path.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)) + "}";

        public override void Render(KeyWriter writer, object?[] arguments)
        {
            var value = arguments[index];
            for (var i = 0; i < path.Length; i++)
            {
                if (value is null)
                {
                    writer.WriteNullOnPath(path.Length - i);
                    return;
                }

                value = path[i](value);
            }

            writer.Parameter = name;
            slot.Write(writer, value);
        }

        public override bool TryRenderBare(Span<char> destination, object?[] arguments, out int written)
        {
            if (path.Length != 0)
            {
                written = 0;
                return false;
            }

            return slot.TryWriteBare(arguments[index], destination, out written);
        }
    }
}
