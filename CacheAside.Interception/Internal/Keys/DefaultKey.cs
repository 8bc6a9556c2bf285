using System.Reflection;
using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// The key of a cached method without a template:
/// <c>Namespace.IRepository@Assembly.Method&lt;GenericArguments&gt;(ParameterTypes)[\@scope]:value:value</c>.
/// The signature makes overloads and generic instantiations differ, even where a closing makes two methods' parameter
/// types alike (see <see cref="SignatureTypes"/>). Every type in it is named as <see cref="TypeNames.Qualified"/> names it,
/// with the assembly of each type that does not ship with .NET: interfaces, parameter types and implementations of one
/// name in two assemblies, which one Redis can serve, never share a key. The assembly's name may hold dots, the method's
/// name cannot (C# and Visual Basic cannot declare one that does), so the name after the interface's last dot is the method's. The scope, when there is one, makes two
/// registrations of one interface differ; each value follows a ':' and never contains a raw one, so the values
/// read back one by one and different calls never share a key. <see cref="CancellationToken"/> parameters and
/// parameters marked <see cref="CacheKeyIgnoreAttribute"/> are left out of the values (not of the signature).
/// </summary>
internal sealed class DefaultKey : KeyRenderer
{
    private readonly string _head;
    private readonly int[] _indexes;
    private readonly KeySlot[] _slots;
    private readonly string[] _names;

    /// <param name="service">The interface the method is called through.</param>
    /// <param name="method">The method; for a generic method, closed over its type arguments.</param>
    /// <param name="scope">
    /// What tells this registration of <paramref name="service"/> from others (a service key, an implementation),
    /// or <see langword="null"/> when it is the only one. Rendered after the signature as <c>\@</c> and the
    /// escaped text, which no signature and no value can contain, so two scopes, or a scope and none, never share keys.
    /// </param>
    public DefaultKey(Type service, MethodInfo method, string? scope = null)
    {
        var signature = new StringBuilder();
        signature.Append(TypeNames.Qualified(service)).Append('.').Append(method.Name);
        if (method.IsGenericMethod)
        {
            signature.Append('<').AppendJoin(",", method.GetGenericArguments().Select(TypeNames.Qualified)).Append('>');
        }

        signature.Append('(').AppendJoin(",", SignatureTypes(service, method)).Append(')');

        var parameters = method.GetParameters();

        var head = new StringBuilder();
        KeyText.AppendName(head, signature.ToString());
        if (scope is not null)
        {
            head.Append(KeyText.ScopeMarker);
            KeyText.AppendValue(head, scope);
        }

        _head = head.ToString();
        var keyed = parameters.Where(IsKeyed).ToArray();
        _indexes = keyed.Select(p => p.Position).ToArray();
        _slots = keyed.Select(p => new KeySlot(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType)).ToArray();
        _names = keyed.Select(p => p.Name ?? $"#{p.Position}").ToArray();
    }

    public override IReadOnlyList<int> Parameters => _indexes;

    /// <summary>Reports every parameter the default key would include but no key can stand for.</summary>
    public static void Validate(MethodInfo method, List<string> problems)
    {
        foreach (var parameter in method.GetParameters().Where(IsKeyed))
        {
            if (KeyTypeCheck.Problem(parameter.ParameterType, parameter.Name!) is { } problem)
            {
                problems.Add($"[Cached] builds its default key from every argument, but parameter '{parameter.Name}' cannot be part of a key: {problem}. Mark the parameter [CacheKeyIgnore] if the result does not depend on it; otherwise give [Cached] a key template that names what the result depends on.");
            }
        }
    }

    public override void Render(KeyWriter writer, object?[] arguments)
    {
        writer.Builder.Append(_head);
        for (var i = 0; i < _indexes.Length; i++)
        {
            writer.Builder.Append(KeyText.Separator);
            writer.Parameter = _names[i];
            _slots[i].Write(writer, arguments[_indexes[i]]);
        }

        writer.Parameter = null;
    }

    public override bool TryRenderBare(Span<char> destination, object?[] arguments, out int written)
    {
        written = _head.Length;
        if (!_head.TryCopyTo(destination))
        {
            return false;
        }

        for (var i = 0; i < _indexes.Length; i++)
        {
            if (written >= destination.Length || !_slots[i].TryWriteBare(arguments[_indexes[i]], destination[(written + 1)..], out var length))
            {
                return false;
            }

            destination[written] = KeyText.Separator;
            written += 1 + length;
        }

        return true;
    }

    /// <summary>
    /// The parameter types a signature names: the method's own, a type parameter of the method by its position, since
    /// <c>Describe&lt;T&gt;(T)</c> and <c>Describe&lt;T&gt;(int)</c> both close to <c>Describe&lt;int&gt;(int)</c>. When a closing
    /// of a generic interface makes two methods alike (<c>Find(T)</c> and <c>Find(int)</c> in <c>IRepository&lt;int&gt;</c>),
    /// both name the types of the interface's definition instead, a type parameter of the interface by its position
    /// (<c>Find(!0)</c>); every other method keeps the closed types.
    /// </summary>
    private static string[] SignatureTypes(Type service, MethodInfo method)
    {
        var types = DeclaredTypes(method);
        var arity = Arity(method);
        var alike = service.IsGenericType && service.GetMethods().Any(m =>
            m.Name == method.Name && m.MetadataToken != method.MetadataToken && Arity(m) == arity && DeclaredTypes(m).SequenceEqual(types));
        return alike
            ? DeclaredTypes(service.GetGenericTypeDefinition().GetMethods().Single(m => m.MetadataToken == method.MetadataToken))
            : types;
    }

    private static string[] DeclaredTypes(MethodInfo method) =>
        (method.IsGenericMethod ? method.GetGenericMethodDefinition() : method).GetParameters().Select(p => TypeNames.Qualified(p.ParameterType)).ToArray();

    private static int Arity(MethodInfo method) => method.IsGenericMethod ? method.GetGenericArguments().Length : 0;

    private static bool IsKeyed(ParameterInfo parameter) =>
        !KeyTemplateParser.IsCancellationToken(parameter.ParameterType)
        && parameter.GetCustomAttribute<CacheKeyIgnoreAttribute>() is null;
}
