using System.Linq.Expressions;
using System.Reflection;
using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// Compiles a key template against a method, reporting every mistake in words that say how to fix it.
/// </summary>
internal static class KeyTemplateParser
{
    /// <summary>Compiles <paramref name="template"/> for <paramref name="method"/>, or returns <see langword="null"/> and adds problems.</summary>
    /// <param name="template">The template text from the attribute.</param>
    /// <param name="method">
    /// The method the template belongs to; for a generic method, closed or not. Its declaring type is the
    /// interface it is called through: when that is generic, its type parameters can be named too.
    /// </param>
    /// <param name="attribute">The attribute's name for messages, e.g. <c>[Cached]</c>.</param>
    /// <param name="requireTypeParameters">
    /// Whether every type parameter of the method and of its generic interface must appear (reads: otherwise
    /// <c>Get&lt;A&gt;</c> and <c>Get&lt;B&gt;</c>, or <c>IKeyedBy&lt;int&gt;</c> and <c>IKeyedBy&lt;string&gt;</c>, would share entries).
    /// </param>
    /// <param name="problems">Where problems go.</param>
    public static KeyTemplate? Parse(string? template, MethodInfo method, string attribute, bool requireTypeParameters, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            problems.Add($"{attribute} has an empty key template: write one such as \"product:{{id}}\"{(attribute == "[Cached]" ? ", or use [Cached] without a template for the default key" : string.Empty)}.");
            return null;
        }

        var before = problems.Count;
        var segments = new List<KeyTemplate.Segment>();
        var shape = new StringBuilder();
        var literal = new StringBuilder();
        var usedTypeParameters = new HashSet<string>(StringComparer.Ordinal);
        string? previousPlaceholder = null;
        var literalSincePlaceholderHasSeparator = true;

        for (var i = 0; i < template.Length; i++)
        {
            var character = template[i];
            if (character == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            if (character == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                literal.Append('}');
                i++;
                continue;
            }

            if (character == '}')
            {
                problems.Add($"{attribute} key template \"{template}\" has a '}}' without a '{{' before it: write '}}}}' for a literal brace.");
                return null;
            }

            if (character == KeyText.Escape)
            {
                problems.Add($"{attribute} key template \"{template}\" contains '\\', which keys reserve for escaping values: use another character.");
                return null;
            }

            if (character != '{')
            {
                literal.Append(character);
                continue;
            }

            var close = template.IndexOf('}', i + 1);
            if (close < 0)
            {
                problems.Add($"{attribute} key template \"{template}\" has a '{{' that is never closed: close the placeholder with '}}', or write '{{{{' for a literal brace.");
                return null;
            }

            var placeholder = template[(i + 1)..close];
            i = close;

            if (literal.Length > 0)
            {
                var text = literal.ToString();
                segments.Add(LiteralSegment(text));
                shape.Append(text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
                literalSincePlaceholderHasSeparator |= text.Contains(KeyText.Separator, StringComparison.Ordinal);
                literal.Clear();
            }

            if (previousPlaceholder is not null && !literalSincePlaceholderHasSeparator)
            {
                problems.Add($"{attribute} key template \"{template}\" puts {{{previousPlaceholder}}} and {{{placeholder}}} together without a ':' between them, so different values could render the same key (\"1\"+\"23\" and \"12\"+\"3\"): put a ':' between them.");
            }

            var segment = CompilePlaceholder(placeholder, method, attribute, template, usedTypeParameters, problems);
            if (segment is not null)
            {
                segments.Add(segment);
            }

            shape.Append("{}");
            previousPlaceholder = placeholder;
            literalSincePlaceholderHasSeparator = false;
        }

        if (literal.Length > 0)
        {
            var text = literal.ToString();
            segments.Add(LiteralSegment(text));
            shape.Append(text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
        }

        if (requireTypeParameters)
        {
            if (method.IsGenericMethod)
            {
                var definition = method.IsGenericMethodDefinition ? method : method.GetGenericMethodDefinition();
                foreach (var parameter in definition.GetGenericArguments())
                {
                    if (!usedTypeParameters.Contains(parameter.Name))
                    {
                        problems.Add($"{attribute} key template \"{template}\" does not name the type parameter {parameter.Name}, so calls with different {parameter.Name} would share a key: add {{{parameter.Name}}} to the template.");
                    }
                }
            }

            if (method.DeclaringType is { IsGenericType: true } service)
            {
                var definition = service.IsGenericTypeDefinition ? service : service.GetGenericTypeDefinition();
                foreach (var parameter in definition.GetGenericArguments())
                {
                    if (!usedTypeParameters.Contains(parameter.Name))
                    {
                        problems.Add($"{attribute} key template \"{template}\" does not name the type parameter {parameter.Name} of {TypeNames.Display(definition)}, so calls through {TypeNames.Display(definition)} with different {parameter.Name} would share a key: add {{{parameter.Name}}} to the template.");
                    }
                }
            }
        }

        return problems.Count == before ? new KeyTemplate(template, shape.ToString(), segments.ToArray()) : null;
    }

    private static KeyTemplate.Segment? CompilePlaceholder(string placeholder, MethodInfo method, string attribute, string template, HashSet<string> usedTypeParameters, List<string> problems)
    {
        var parts = placeholder.Split('.');
        if (parts.Any(p => p.Length == 0 || !IsIdentifier(p)))
        {
            problems.Add($"{attribute} key template \"{template}\" has the placeholder {{{placeholder}}}, which is not a parameter name or a property path such as {{order.CustomerId}}: fix the placeholder.");
            return null;
        }

        var parameters = method.GetParameters();
        var parameter = parameters.FirstOrDefault(p => p.Name == parts[0]);
        if (parameter is null)
        {
            var typeParameter = TypeParameter(method, parts[0]);
            if (typeParameter is not null && parts.Length == 1)
            {
                usedTypeParameters.Add(parts[0]);
                var name = new StringBuilder();
                KeyText.AppendValue(name, TypeNames.Qualified(typeParameter));
                return new KeyTemplate.Literal(name.ToString()) { TypeArgument = typeParameter };
            }

            var names = parameters.Where(p => !IsCancellationToken(p.ParameterType)).Select(p => p.Name).ToList();
            var known = names.Count == 0 ? "it has no parameters" : "its parameters are " + string.Join(", ", names);
            problems.Add($"{attribute} key template \"{template}\" names {{{placeholder}}}, but the method has no parameter '{parts[0]}' ({known}): name one of them.");
            return null;
        }

        if (IsCancellationToken(parameter.ParameterType))
        {
            problems.Add($"{attribute} key template \"{template}\" names the CancellationToken '{parameter.Name}', which is never part of a key: remove {{{placeholder}}}.");
            return null;
        }

        if (parameter.GetCustomAttribute<CacheKeyIgnoreAttribute>() is not null)
        {
            problems.Add($"{attribute} key template \"{template}\" names {{{placeholder}}}, but parameter '{parameter.Name}' is marked [CacheKeyIgnore]: remove the placeholder, or the attribute.");
            return null;
        }

        var type = parameter.ParameterType.IsByRef ? parameter.ParameterType.GetElementType()! : parameter.ParameterType;
        var path = new Func<object, object?>[parts.Length - 1];
        for (var i = 1; i < parts.Length; i++)
        {
            var property = FindProperty(type, parts[i]);
            if (property is null)
            {
                var available = ReadableProperties(type).Select(p => p.Name).ToList();
                var known = available.Count == 0 ? $"{TypeNames.Display(type)} has no public properties" : $"the properties of {TypeNames.Display(type)} are {string.Join(", ", available)}";
                problems.Add($"{attribute} key template \"{template}\" names {{{placeholder}}}, but {TypeNames.Display(type)} has no public property '{parts[i]}' ({known}): fix the property path.");
                return null;
            }

            path[i - 1] = CompileGetter(property);
            type = property.PropertyType;
        }

        if (KeyTypeCheck.Problem(type, placeholder) is { } problem)
        {
            problems.Add($"{attribute} key template \"{template}\" names {{{placeholder}}}, which cannot be part of a key: {problem}. Name a property of it that identifies the call instead, or remove the placeholder.");
            return null;
        }

        var index = Array.IndexOf(parameters, parameter);
        return new KeyTemplate.Argument(index, parameter.Name!, path, new KeySlot(type));
    }

    internal static bool IsCancellationToken(Type type) => type == typeof(CancellationToken) || type == typeof(CancellationToken?);

    internal static IEnumerable<PropertyInfo> ReadableProperties(Type type)
    {
        var all = type.IsInterface
            ? type.GetProperties().Concat(type.GetInterfaces().SelectMany(i => i.GetProperties()))
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        return all.Where(p => p.CanRead && p.GetMethod!.IsPublic && p.GetIndexParameters().Length == 0);
    }

    private static PropertyInfo? FindProperty(Type type, string name) =>
        ReadableProperties(Nullable.GetUnderlyingType(type) ?? type).FirstOrDefault(p => p.Name == name);

    private static Func<object, object?> CompileGetter(PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var body = Expression.Convert(
            Expression.Property(Expression.Convert(instance, property.DeclaringType!), property),
            typeof(object));
        return Expression.Lambda<Func<object, object?>>(body, instance).Compile();
    }

    /// <summary>
    /// The type argument named <paramref name="name"/>: a type parameter of the method, else of the generic
    /// interface the method is declared by (closed over its arguments, or still open when validating a definition).
    /// </summary>
    private static Type? TypeParameter(MethodInfo method, string name)
    {
        if (method.IsGenericMethod)
        {
            var definition = method.IsGenericMethodDefinition ? method : method.GetGenericMethodDefinition();
            var position = Array.FindIndex(definition.GetGenericArguments(), t => t.Name == name);
            if (position >= 0)
            {
                return method.GetGenericArguments()[position];
            }
        }

        if (method.DeclaringType is { IsGenericType: true } service)
        {
            var definition = service.IsGenericTypeDefinition ? service : service.GetGenericTypeDefinition();
            var position = Array.FindIndex(definition.GetGenericArguments(), t => t.Name == name);
            if (position >= 0)
            {
                return service.GetGenericArguments()[position];
            }
        }

        return null;
    }

    private static KeyTemplate.Literal LiteralSegment(string text)
    {
        var rendered = new StringBuilder();
        KeyText.AppendLiteral(rendered, text);
        return new KeyTemplate.Literal(rendered.ToString());
    }

    private static bool IsIdentifier(string text) =>
        (char.IsLetter(text[0]) || text[0] == '_') && text.All(c => char.IsLetterOrDigit(c) || c == '_');
}
