using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// Where a key body is written: the text, and what rendering one argument needs to stay finite — the
/// composites it is inside (for cycles) and its depth. One per thread is reused by <see cref="KeyBuilder"/>.
/// </summary>
internal sealed class KeyWriter
{
    /// <summary>The deepest nesting of composites a key renders; deeper values are refused, not cut.</summary>
    internal const int MaxDepth = 64;

    /// <summary>The longest body rendered before the value is refused: a bound on the work of one key.</summary>
    internal const int MaxLength = 1 << 20;

    private List<object?>? _open;

    public KeyWriter(StringBuilder builder)
    {
        Builder = builder;
    }

    public StringBuilder Builder { get; }

    /// <summary>Gets or sets the name of the parameter being rendered, for messages.</summary>
    public string? Parameter { get; set; }

    public void Reset()
    {
        Builder.Clear();
        _open?.Clear();
        Parameter = null;
    }

    public void WriteNull() => Builder.Append(KeyText.NullToken);

    /// <summary>Writes a <see langword="null"/> met on a property path with <paramref name="unread"/> properties still to read.</summary>
    public void WriteNullOnPath(int unread)
    {
        WriteNull();
        for (var i = 0; i < unread; i++)
        {
            Builder.Append(KeyText.Unread);
        }
    }

    /// <summary>Writes a field or element whose declared type is <typeparamref name="T"/>; value types are not boxed.</summary>
    public void Write<T>(T value, KeySlot slot)
    {
        if (typeof(T).IsValueType && slot.Renderer is ValueRenderer<T> typed)
        {
            typed.WriteTyped(this, value);
            return;
        }

        slot.Write(this, value);
    }

    public void Comma() => Builder.Append(KeyText.ItemSeparator);

    /// <summary>
    /// Writes a reference to <paramref name="composite"/> when it is already open (a cycle), so rendering
    /// ends; the number says how many levels up it is, which keeps the rendering of the graph unique.
    /// </summary>
    public bool TryWriteBackReference(object composite)
    {
        if (_open is null)
        {
            return false;
        }

        for (var i = _open.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_open[i], composite))
            {
                Builder.Append(KeyText.BackReference);
                KeyText.AppendFormatted(Builder, _open.Count - i, null);
                return true;
            }
        }

        return false;
    }

    /// <summary>Opens a composite; <paramref name="identity"/> is the object for cycles, <see langword="null"/> for a struct.</summary>
    public void Open(object? identity, Type type)
    {
        _open ??= [];
        if (_open.Count >= MaxDepth)
        {
            throw Refused($"nests composites deeper than {MaxDepth} levels (at {TypeNames.Display(type)})");
        }

        CheckLength();
        _open.Add(identity);
        Builder.Append(KeyText.CompositeOpen);
    }

    public void Close()
    {
        Builder.Append(KeyText.CompositeClose);
        _open!.RemoveAt(_open.Count - 1);
    }

    public void CheckLength()
    {
        if (Builder.Length > MaxLength)
        {
            throw Refused($"renders longer than {MaxLength} characters");
        }
    }

    /// <summary>The exception for a value of <paramref name="type"/> that cannot be rendered, and why.</summary>
    public KeyRenderException Unkeyable(Type type, string why) =>
        Refused($"holds {TypeNames.Display(type)}, which is {why}");

    private KeyRenderException Refused(string what)
    {
        var subject = Parameter is null ? "A value" : $"The argument '{Parameter}'";
        var fix = Parameter is null ? string.Empty : " The call is not cached: mark the parameter [CacheKeyIgnore] if the result does not depend on it, or key the method with a template that names what it depends on.";
        return new KeyRenderException($"{subject} {what}, so it cannot be part of a cache key.{fix}");
    }
}
