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

    /// <summary>Every instance field of <paramref name="type"/> and of its base types.</summary>
    public static (MemberInfo Member, string Name, KeySlot Slot)[] Of(Type type) => Fields(type, static _ => true);

    /// <summary>
    /// The state of the collection <paramref name="type"/> that its elements do not carry: the fields of its types
    /// outside the framework, and of its framework types too when the first of them is no collection (a list of
    /// your own on a framework class that holds other state); then what a framework collection keeps beside its
    /// elements — the <see cref="IGrouping{TKey, TElement}.Key"/> of a group.
    /// </summary>
    public static (MemberInfo Member, string Name, KeySlot Slot)[] BesideElements(Type type)
    {
        // The framework's part of a chain is its end. When that part starts with a collection, all of it is how
        // the collection keeps its elements: hash buckets, counts, comparers, which its enumeration already reads.
        var framework = type;
        while (framework is not null && !ValueRenderers.IsFramework(framework))
        {
            framework = framework.BaseType;
        }

        var implementsElements = framework is not null && ValueRenderers.IsCollection(framework);
        var fields = Fields(type, t => !(implementsElements && ValueRenderers.IsFramework(t)));
        if (ValueRenderers.IsFramework(type) && GroupingKey(type) is { } key)
        {
            fields = [.. fields, (key, key.Name, new KeySlot(key.PropertyType))];
        }

        return fields;
    }

    /// <summary>
    /// Compiles a writer of <paramref name="fields"/>, separated by commas, for an instance passed as
    /// <typeparamref name="TInstance"/> (the type itself, or <see langword="object"/> to be cast).
    /// </summary>
    public static Action<TInstance, KeyWriter> Compile<TInstance>(Type type, (MemberInfo Member, string Name, KeySlot Slot)[] fields)
    {
        var instance = Expression.Parameter(typeof(TInstance), "instance");
        var writer = Expression.Parameter(typeof(KeyWriter), "writer");
        Expression typed = typeof(TInstance) == type ? instance : Expression.Convert(instance, type);
        var body = new List<Expression>();
        foreach (var (member, _, slot) in fields)
        {
            if (body.Count > 0)
            {
                body.Add(Expression.Call(writer, s_comma));
            }

            var memberType = member is FieldInfo field ? field.FieldType : ((PropertyInfo)member).PropertyType;
            body.Add(CanRead(memberType)
                ? Expression.Call(writer, s_write.MakeGenericMethod(memberType), Expression.MakeMemberAccess(typed, member), Expression.Constant(slot))
                : Expression.Call(s_refuse, writer, Expression.Constant(slot)));
        }

        if (body.Count == 0)
        {
            body.Add(Expression.Empty());
        }

        return Expression.Lambda<Action<TInstance, KeyWriter>>(Expression.Block(body), instance, writer).Compile();
    }

    private static (MemberInfo Member, string Name, KeySlot Slot)[] Fields(Type type, Func<Type, bool> include)
    {
        var chain = new List<Type>();
        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            if (include(current))
            {
                chain.Add(current);
            }
        }

        chain.Reverse();
        return chain
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .OrderBy(f => f.Name, StringComparer.Ordinal))
            .Where(f => !KeyTemplateParser.IsCancellationToken(f.FieldType))
            .Select(f => ((MemberInfo)f, NameOf(f), SlotOf(f)))
            .ToArray();
    }

    /// <summary>The <see cref="IGrouping{TKey, TElement}.Key"/> property <paramref name="type"/> implements, if it is a group.</summary>
    private static PropertyInfo? GroupingKey(Type type) => type.GetInterfaces()
        .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGrouping<,>))
        ?.GetProperty(nameof(IGrouping<int, int>.Key));

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
