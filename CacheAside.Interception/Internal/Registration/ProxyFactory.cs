using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Autofac.Core;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Plans;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Registration;

/// <summary>
/// Puts a Castle interface proxy in front of instances of registrations marked with
/// <see cref="RegistrationExtensions.EnableCacheAside{TLimit, TActivatorData, TSingleRegistrationStyle}"/>.
/// One per container; the <see cref="ProxyGenerator"/>, which caches generated proxy types, is shared by all.
/// </summary>
internal sealed class ProxyFactory
{
    private const char ScopeEscape = '\\';
    private const char ScopePartSeparator = '#';
    private const char ScopeKeyValueSeparator = '=';
    private const char AnyKey = '*';

    private static readonly ProxyGenerator s_generator = new();

    private readonly PlanCatalog _catalog;
    private readonly CacheEngine _engine;
    private readonly Func<IComponentRegistration, bool> _isEnabled;
    private readonly ConcurrentDictionary<Guid, Proxying> _byRegistration = new();

    public ProxyFactory(PlanCatalog catalog, CacheEngine engine, Func<IComponentRegistration, bool> isEnabled)
    {
        _isEnabled = isEnabled;
        _catalog = catalog;
        _engine = engine;
    }

    public object CreateProxy(IComponentRegistration registration, IComponentRegistry registry, object target)
    {
        var proxying = _byRegistration.GetOrAdd(registration.Id, _ => Prepare(registration, registry));
        return s_generator.CreateInterfaceProxyWithTarget(proxying.Primary, proxying.Additional, target, proxying.Interceptor);
    }

    /// <summary>
    /// A proxy made while the container is still being built (Autofac activates instances then): calls wait
    /// for the plans the build validates. A registration that cannot be proxied is left as it is, since
    /// the build's validation is about to fail with what is wrong with it.
    /// </summary>
    public static object CreateDeferred(IComponentRegistration registration, IComponentRegistry registry, object target, BuildState state)
    {
        var interfaces = InterfaceServices(registration);
        if (interfaces.Length == 0 || !interfaces.All(ProxyUtil.IsAccessible) || !interfaces.All(i => i.IsInstanceOfType(target)))
        {
            return target;
        }

        return s_generator.CreateInterfaceProxyWithTarget(interfaces[0], interfaces[1..], target, new DeferredInterceptor(state, registration, registry));
    }

    private IInterceptor InterceptorFor(IComponentRegistration registration, IComponentRegistry registry) =>
        _byRegistration.GetOrAdd(registration.Id, _ => Prepare(registration, registry)).Interceptor;

    /// <summary>The interface services a registration exposes, in the order it declared them.</summary>
    public static Type[] InterfaceServices(IComponentRegistration registration) => registration.Services
        .OfType<IServiceWithType>()
        .Select(s => s.ServiceType)
        .Where(t => t.IsInterface)
        .Distinct()
        .ToArray();

    /// <summary>Builds the plans of the registrations the container was built with, at build rather than at their first resolve.</summary>
    public void PrepareAll(IComponentRegistry registry)
    {
        foreach (var registration in registry.Registrations.Where(_isEnabled))
        {
            _byRegistration.GetOrAdd(registration.Id, _ => Prepare(registration, registry));
        }
    }

    /// <summary>
    /// The scope of a registration's default keys: its implementation (named with its assembly, as every type of a key
    /// is: <see cref="TypeNames.Qualified"/>), its service keys and, when several
    /// registrations share those, its ordinal among them in the order they were registered — so two registrations of
    /// one interface never share default-keyed entries, while every process built from the same registrations
    /// gives each the same keys, whatever it resolves first.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The parts are joined by <c>#</c>, each escaped, a service key as its type and its text (<c>#System.String=eu</c>)
    /// and the ordinal as a bare number (<c>#1</c>): so no key reads as an ordinal (a registration keyed <c>"1"</c> and
    /// the second unkeyed one), and no key as two (<c>"a#b"</c>, and <c>"a"</c> with <c>"b"</c>).
    /// </para>
    /// <para>
    /// An open generic registration (<c>Repository&lt;&gt;</c>) counts before every later registration that can make
    /// the same closed type, whether that closed type was resolved yet or not: its closed registrations are added to the
    /// container as they are first resolved, in an order that differs from process to process.
    /// </para>
    /// </remarks>
    private string ScopeOf(IComponentRegistration registration, IComponentRegistry registry)
    {
        var type = registration.Activator.LimitType;
        var scope = ScopeOf(type, ServiceKeys(registration).ToList());
        var mark = RegistrationMark.Of(registration);
        var singles = registry.Registrations
            .Where(r => _isEnabled(r) && RegistrationMark.Of(r).OpenGeneric is null && TryScopeOf(r.Activator.LimitType, ServiceKeys(r)) == scope)
            .OrderBy(r => RegistrationMark.Of(r).Sequence);
        var before = mark.OpenGeneric is null
            ? singles.TakeWhile(r => r.Id != registration.Id).Count()
            : singles.Count(r => RegistrationMark.Of(r).Sequence < mark.Sequence);
        before += RegistrationMark.All(registry.Properties).Count(m =>
            m.Sequence < mark.Sequence
            && type.IsGenericType && m.OpenGeneric == type.GetGenericTypeDefinition()
            && TryScopeOf(type, m.OpenServiceKeys) == scope);
        return before == 0 ? scope : scope + ScopePartSeparator + before.ToString(CultureInfo.InvariantCulture);
    }

    private static IEnumerable<object> ServiceKeys(IComponentRegistration registration) =>
        registration.Services.OfType<KeyedService>().Select(k => k.ServiceKey);

    /// <summary>
    /// Adds a problem for each service key of <paramref name="component"/> that a scope cannot carry (see
    /// <see cref="ServiceKey"/>): read once the container is built, it would fail every default-keyed call instead.
    /// </summary>
    public static void ValidateServiceKeys(string component, IEnumerable<object> serviceKeys, List<string> problems)
    {
        foreach (var key in serviceKeys)
        {
            if (ServiceKey(key, out var why) is null)
            {
                problems.Add($"{component}: its service key of type {TypeNames.Display(key.GetType())} is {why}, so the registration's default keys cannot carry it: key it with a string, a number, an enum or a record, or give each of its cached reads a template (only default keys carry service keys).");
            }
        }
    }

    /// <summary>Tells whether the default keys of a registration exposing <paramref name="interfaces"/> carry its scope: it has a read keyed without a template.</summary>
    public static bool HasDefaultKeys(PlanCatalog catalog, IEnumerable<Type> interfaces) =>
        interfaces.SelectMany(catalog.SpecsFor).Any(UsesScope);

    private static bool UsesScope(MethodSpec spec) => spec.Kind == MethodKind.Read && spec.Keys[0] is DefaultKey;

    private static string ScopeOf(Type implementation, IReadOnlyCollection<object> serviceKeys)
    {
        if (TryScopeOf(implementation, serviceKeys) is { } scope)
        {
            return scope;
        }

        // Reached by a closed registration of an open generic one, made when it is first resolved.
        var problems = new List<string>();
        ValidateServiceKeys(TypeNames.Display(implementation), serviceKeys, problems);
        throw new CacheAsideConfigurationException(problems);
    }

    /// <summary>The scope of <paramref name="implementation"/> with <paramref name="serviceKeys"/>, or <see langword="null"/> when a key cannot be part of it.</summary>
    private static string? TryScopeOf(Type implementation, IEnumerable<object> serviceKeys)
    {
        var keys = new List<string>();
        foreach (var key in serviceKeys)
        {
            if (ServiceKey(key, out _) is not { } text)
            {
                return null;
            }

            keys.Add(text);
        }

        var scope = new StringBuilder();
        AppendScopePart(scope, TypeNames.Qualified(implementation));
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            scope.Append(ScopePartSeparator).Append(key);
        }

        return scope.ToString();
    }

    /// <summary>
    /// A service key as its type and its value, each as the key language writes them (<c>System.String=eu</c>): the value
    /// rendered as an argument of exactly its type would be, so two keys that Autofac tells apart never share a scope,
    /// and equal keys get the same text in every process. <see langword="null"/> for a key no text can stand for, and why.
    /// </summary>
    internal static string? ServiceKey(object key, out string? why)
    {
        var type = key.GetType();
        var writer = new KeyWriter(new StringBuilder());

        // Autofac's wildcard key is one instance in every process, the only one of its type.
        if (KeyedService.IsAnyKey(key))
        {
            why = null;
            writer.Builder.Append(AnyKey);
        }
        else if ((why = ValueRenderers.NotAnIdentity(type)) is not null)
        {
            return null;
        }
        else
        {
            try
            {
                ValueRenderers.For(type).Write(writer, key);
            }
            catch (KeyRenderException e)
            {
                why = $"a value no key can stand for ({e.Message})";
                return null;
            }
        }

        var text = new StringBuilder();
        AppendScopePart(text, TypeNames.Qualified(type));
        text.Append(ScopeKeyValueSeparator);
        AppendScopePart(text, writer.Builder.ToString());
        return text.ToString();
    }

    private static void AppendScopePart(StringBuilder builder, string part)
    {
        foreach (var c in part)
        {
            if (c is ScopeEscape or ScopePartSeparator or ScopeKeyValueSeparator)
            {
                builder.Append(ScopeEscape);
            }

            builder.Append(c);
        }
    }

    private Proxying Prepare(IComponentRegistration registration, IComponentRegistry registry)
    {
        var interfaces = InterfaceServices(registration);
        if (interfaces.Length == 0)
        {
            throw new CacheAsideConfigurationException(
                $"{registration.Activator.LimitType.Name}: EnableCacheAside() puts a proxy in front of interface services, but this registration exposes none: register it with .As<IYourRepository>().");
        }

        var specs = interfaces.SelectMany(_catalog.SpecsFor).DistinctBy(s => s.Method).ToList();

        // Only default keys carry the scope: a registration whose reads all have templates needs none of its service keys.
        var scope = specs.Any(UsesScope) ? ScopeOf(registration, registry) : null;
        var plans = specs
            .Select(s => scope is null ? s : s.ScopedTo(scope))
            .ToFrozenDictionary(s => s.Method, s => PlanFactory.Create(s, _engine, _catalog));
        return new Proxying(interfaces[0], interfaces[1..], new CacheAsideInterceptor(plans));
    }

    private sealed record Proxying(Type Primary, Type[] Additional, IInterceptor Interceptor);

    /// <summary>Hands each call to the registration's interceptor, known once the build has validated the plans.</summary>
    private sealed class DeferredInterceptor(BuildState state, IComponentRegistration registration, IComponentRegistry registry) : IInterceptor
    {
        private IInterceptor? _interceptor;

        public void Intercept(IInvocation invocation)
        {
            var interceptor = _interceptor ??= state.Factory?.InterceptorFor(registration, registry)
                ?? throw new InvalidOperationException("A cache-aside proxy was called before its container finished building.");
            interceptor.Intercept(invocation);
        }
    }
}
