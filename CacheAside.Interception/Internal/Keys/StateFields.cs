using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// The state of a type as keys see it: every instance field, public and private, of the type and its base
/// types (auto-property backing fields included), base types first and each type's fields by name, so the
/// order is the same in every process. Read by a delegate compiled once per type.
/// </summary>
internal static class StateFields
{
    private static readonly MethodInfo s_write = typeof(KeyWriter).GetMethod(nameof(KeyWriter.Write))!;
    private static readonly MethodInfo s_comma = typeof(KeyWriter).GetMethod(nameof(KeyWriter.Comma))!;
    private static readonly MethodInfo s_refuse = typeof(StateFields).GetMethod(nameof(Refuse), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The fields of <paramref name="type"/>; with <paramref name="ownOnly"/>, only those declared outside the framework.</summary>
    public static (FieldInfo Field, string Name, KeySlot Slot)[] Of(Type type, bool ownOnly)
    {
        var chain = new List<Type>();
        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            if (!ownOnly || !ValueRenderers.IsFramework(current))
            {
                chain.Add(current);
            }
        }

        chain.Reverse();
        return chain
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .OrderBy(f => f.Name, StringComparer.Ordinal))
            .Where(f => !KeyTemplateParser.IsCancellationToken(f.FieldType))
            .Select(f => (f, NameOf(f), SlotOf(f)))
            .ToArray();
    }

    /// <summary>
    /// Compiles a writer of <paramref name="fields"/>, separated by commas, for an instance passed as
    /// <typeparamref name="TInstance"/> (the type itself, or <see langword="object"/> to be cast).
    /// </summary>
    public static Action<TInstance, KeyWriter> Compile<TInstance>(Type type, (FieldInfo Field, string Name, KeySlot Slot)[] fields)
    {
        var instance = Expression.Parameter(typeof(TInstance), "instance");
        var writer = Expression.Parameter(typeof(KeyWriter), "writer");
        Expression typed = typeof(TInstance) == type ? instance : Expression.Convert(instance, type);
        var body = new List<Expression>();
        foreach (var (field, _, slot) in fields)
        {
            if (body.Count > 0)
            {
                body.Add(Expression.Call(writer, s_comma));
            }

            body.Add(CanRead(field.FieldType)
                ? Expression.Call(writer, s_write.MakeGenericMethod(field.FieldType), Expression.Field(typed, field), Expression.Constant(slot))
                : Expression.Call(s_refuse, writer, Expression.Constant(slot)));
        }

        if (body.Count == 0)
        {
            body.Add(Expression.Empty());
        }

        return Expression.Lambda<Action<TInstance, KeyWriter>>(Expression.Block(body), instance, writer).Compile();
    }

    /// <summary>The name messages use: a backing field by its property's name.</summary>
    private static string NameOf(FieldInfo field)
    {
        var name = field.Name;
        const string Backing = ">k__BackingField";
        return name.StartsWith('<') && name.EndsWith(Backing, StringComparison.Ordinal) ? name[1..^Backing.Length] : name;
    }

    private static KeySlot SlotOf(FieldInfo field)
    {
        // A fixed-size buffer declares one element of a larger block: reading the field would read only the first.
        if (field.GetCustomAttribute<FixedBufferAttribute>() is not null)
        {
            return new KeySlot(field.FieldType, new UnkeyableRenderer(field.FieldType, "a fixed-size buffer, whose elements a key cannot read one by one"));
        }

        return new KeySlot(field.FieldType);
    }

    // Pointers and ref structs cannot be generic arguments, so their fields are not read: they refuse.
    private static bool CanRead(Type type) =>
        !type.IsPointer && !type.IsFunctionPointer && !type.IsByRefLike && !type.IsByRef;

    private static void Refuse(KeyWriter writer, KeySlot slot)
    {
        var renderer = (UnkeyableRenderer)slot.Renderer;
        throw writer.Unkeyable(renderer.Type, renderer.Why);
    }
}
