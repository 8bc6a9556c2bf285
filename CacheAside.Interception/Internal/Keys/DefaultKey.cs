using System.Reflection;
using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// The key of a cached method without a template:
/// <c>Namespace.IRepository.Method&lt;GenericArguments&gt;(ParameterTypes):value:value</c>.
/// The signature makes overloads and generic instantiations differ; each value follows a ':' and is
/// escaped, so the values can be read back one by one and different calls never share a key.
/// </summary>
internal sealed class DefaultKey : KeyRenderer
{
    private readonly string _signature;
    private readonly int[] _indexes;
    private readonly Type?[] _polymorphic;

    /// <param name="service">The interface the method is called through.</param>
    /// <param name="method">The method; for a generic method, closed over its type arguments.</param>
    public DefaultKey(Type service, MethodInfo method)
    {
        var signature = new StringBuilder();
        signature.Append(TypeNames.Canonical(service)).Append('.').Append(method.Name);
        if (method.IsGenericMethod)
        {
            signature.Append('<').AppendJoin(",", method.GetGenericArguments().Select(TypeNames.Canonical)).Append('>');
        }

        var parameters = method.GetParameters();
        signature.Append('(').AppendJoin(",", parameters.Select(p => TypeNames.Canonical(p.ParameterType))).Append(')');

        _signature = signature.ToString();
        _indexes = parameters.Where(p => !KeyTemplateParser.IsCancellationToken(p.ParameterType)).Select(p => p.Position).ToArray();

        // A value whose declared type admits other runtime types carries its runtime type,
        // or Find(object id) would give 1 and "1" the same key.
        _polymorphic = _indexes.Select(i => parameters[i].ParameterType)
            .Select(t => t.IsValueType || t.IsSealed ? null : t)
            .ToArray();
    }

    /// <summary>Reports every parameter whose values could not be told apart in a key.</summary>
    public static void Validate(MethodInfo method, List<string> problems)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (KeyTemplateParser.IsCancellationToken(parameter.ParameterType))
            {
                continue;
            }

            if (!KeyValueFormatter.CanFormat(parameter.ParameterType, out var reason))
            {
                problems.Add($"[Cached] builds its default key from every argument, but for parameter '{parameter.Name}' {reason}: give [Cached] a key template naming a property of it, such as \"{{{parameter.Name}.Id}}\".");
            }
        }
    }

    public override void Render(StringBuilder builder, object?[] arguments)
    {
        builder.Append(_signature);
        for (var i = 0; i < _indexes.Length; i++)
        {
            builder.Append(KeyValueFormatter.Separator);
            var value = arguments[_indexes[i]];
            var declared = _polymorphic[i];
            if (declared is not null && value is not null && value.GetType() != declared)
            {
                builder.Append('(').Append(TypeNames.Canonical(value.GetType())).Append(')');
            }

            KeyValueFormatter.Append(builder, value);
        }
    }
}
