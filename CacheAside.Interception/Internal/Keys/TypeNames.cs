using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>Type and method names: canonical ones for keys, short ones for messages.</summary>
internal static class TypeNames
{
    private static readonly ConcurrentDictionary<Type, string> s_canonical = new();
    private static readonly ConcurrentDictionary<Type, string> s_qualified = new();

    // Types emitted at run time, by the name keys give them: the first to be named keeps it.
    private static readonly ConcurrentDictionary<string, Type> s_emitted = new(StringComparer.Ordinal);

    private static readonly Dictionary<Type, string> s_keywords = new()
    {
        [typeof(bool)] = "bool",
        [typeof(byte)] = "byte",
        [typeof(sbyte)] = "sbyte",
        [typeof(char)] = "char",
        [typeof(short)] = "short",
        [typeof(ushort)] = "ushort",
        [typeof(int)] = "int",
        [typeof(uint)] = "uint",
        [typeof(long)] = "long",
        [typeof(ulong)] = "ulong",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(decimal)] = "decimal",
        [typeof(string)] = "string",
        [typeof(object)] = "object",
        [typeof(void)] = "void",
    };

    /// <summary>
    /// The namespace-qualified name with generic arguments spelled out (<c>System.Collections.Generic.List&lt;System.Int32&gt;</c>):
    /// the same whatever culture or machine renders it, and two types of one assembly never share it. Types of one
    /// name in two assemblies do: <see cref="Qualified"/> tells them apart.
    /// </summary>
    public static string Canonical(Type type) => s_canonical.GetOrAdd(type, static t =>
    {
        var builder = new StringBuilder();
        AppendCanonical(builder, t, null, withAssembly: false);
        return builder.ToString();
    });

    /// <summary>
    /// The canonical name with the assembly of each type that does not ship with .NET after its name
    /// (<c>Shop.IRepository`1@Shop&lt;Contracts.Money@Contracts&gt;</c>), the type itself and its type arguments at any
    /// depth: what every key names a type by — the interface, the declared parameter types and the implementation of a
    /// default key, a value's type tag, a <see cref="Type"/> value, a template's <c>{T}</c> — so that <c>Contracts.Money</c>
    /// of two assemblies never share a key. Framework types are named bare (<c>System.Int32</c>): no other assembly
    /// carries their public key, and their assemblies move between .NET versions.
    /// </summary>
    public static string Qualified(Type type) => s_qualified.GetOrAdd(type, static t =>
    {
        var builder = new StringBuilder();
        AppendCanonical(builder, t, null, withAssembly: true);
        return builder.ToString();
    });

    /// <summary>
    /// The <see cref="Qualified"/> name of <paramref name="type"/>, with each type parameter that <paramref name="parameterName"/>
    /// names written as it says, and the others as <see cref="Canonical(Type)"/> writes them.
    /// </summary>
    public static string QualifiedWith(Type type, Func<Type, string?> parameterName)
    {
        var builder = new StringBuilder();
        AppendCanonical(builder, type, parameterName, withAssembly: true);
        return builder.ToString();
    }

    /// <summary>The short C#-like name used in messages: <c>List&lt;int&gt;</c>.</summary>
    public static string Display(Type type)
    {
        if (s_keywords.TryGetValue(type, out var keyword))
        {
            return keyword;
        }

        if (type.IsByRef)
        {
            return Display(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Display(type.GetElementType()!) + ArraySuffix(type);
        }

        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return Display(underlying) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        return name + "<" + string.Join(", ", type.GetGenericArguments().Select(Display)) + ">";
    }

    /// <summary>The method as messages name it: <c>IProductRepository.GetById(int)</c>.</summary>
    public static string Display(MethodInfo method)
    {
        var generics = method.IsGenericMethod
            ? "<" + string.Join(", ", method.GetGenericArguments().Select(Display)) + ">"
            : string.Empty;
        var parameters = string.Join(", ", method.GetParameters().Select(DisplayParameter));
        return $"{Display(method.DeclaringType!)}.{method.Name}{generics}({parameters})";
    }

    private static string DisplayParameter(ParameterInfo parameter)
    {
        if (!parameter.ParameterType.IsByRef)
        {
            return Display(parameter.ParameterType);
        }

        var modifier = parameter.IsOut ? "out " : parameter.IsIn ? "in " : "ref ";
        return modifier + Display(parameter.ParameterType);
    }

    private static void AppendCanonical(StringBuilder builder, Type type, Func<Type, string?>? parameterName, bool withAssembly)
    {
        if (type.IsGenericParameter)
        {
            if (parameterName?.Invoke(type) is { } name)
            {
                builder.Append(name);
            }
            else
            {
                // By its position, as IL writes it (!!0 of a method, !0 of a type): the name is the definition's choice,
                // and a type of the global namespace can have it too.
                builder.Append(type.IsGenericMethodParameter ? "!!" : "!").Append(type.GenericParameterPosition.ToString(CultureInfo.InvariantCulture));
            }

            return;
        }

        if (type.HasElementType)
        {
            AppendCanonical(builder, type.GetElementType()!, parameterName, withAssembly);
            builder.Append(type.IsArray ? ArraySuffix(type) : type.IsByRef ? "&" : "*");
            return;
        }

        var start = builder.Length;
        AppendQualifiedName(builder, type);
        if (withAssembly && !ValueRenderers.IsFramework(type))
        {
            builder.Append('@').Append(type.Assembly.GetName().Name);
            if (type.Assembly.IsDynamic)
            {
                Claim(type, builder.ToString(start, builder.Length - start));
            }
        }

        if (type.IsGenericType)
        {
            builder.Append('<');
            var arguments = type.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                AppendCanonical(builder, arguments[i], parameterName, withAssembly);
            }

            builder.Append('>');
        }
    }

    /// <summary>
    /// Gives <paramref name="name"/> to a type emitted at run time, unless another emitted type has it: the compiler names the
    /// types of one assembly apart, but whatever emits types names them as it likes, and two assemblies it emits can share
    /// a name (two proxy generators each emit <c>DynamicProxyGenAssembly2</c>). A key names a type by its name and its
    /// assembly's, so the second type of one name could only share the first one's keys: its values are not keyed.
    /// </summary>
    private static void Claim(Type type, string name)
    {
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (s_emitted.GetOrAdd(name, definition) != definition)
        {
            throw new KeyRenderException(
                $"{name} is a type emitted at run time whose name and assembly's name another type emitted at run time has, so no key can tell their values apart and values of it cannot be part of a cache key.");
        }
    }

    /// <summary>
    /// <c>[]</c> for a vector, <c>[*]</c> for an array of one dimension that may have a lower bound other than 0 (as the
    /// runtime names it: <c>Int32[*]</c>; its value renders its bounds first, so a vector whose first element spells them
    /// would otherwise meet it), <c>[,]</c> and so on for several dimensions.
    /// </summary>
    private static string ArraySuffix(Type type) =>
        type.IsSZArray ? "[]" : type.GetArrayRank() == 1 ? "[*]" : "[" + new string(',', type.GetArrayRank() - 1) + "]";

    /// <summary>
    /// Namespace, outer types and name with its arity (<c>Pair`2</c>: Pair&lt;T&gt; and Pair&lt;T1,T2&gt; differ).
    /// Outer types are named bare: their generic arguments are in the nested type's own list.
    /// </summary>
    private static void AppendQualifiedName(StringBuilder builder, Type type)
    {
        if (type.IsNested)
        {
            AppendQualifiedName(builder, type.DeclaringType!);
            builder.Append('+');
        }
        else if (!string.IsNullOrEmpty(type.Namespace))
        {
            builder.Append(type.Namespace).Append('.');
        }

        builder.Append(type.Name);
    }
}
