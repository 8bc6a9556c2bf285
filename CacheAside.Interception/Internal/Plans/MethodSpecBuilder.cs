using System.Globalization;
using System.Reflection;
using System.Text.Json;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Serialization;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// Reads a method's cache attributes and checks them. Every mistake becomes a problem that names the
/// method and says what to change; nothing is left to be found on the first call.
/// </summary>
internal static class MethodSpecBuilder
{
    /// <summary>
    /// Builds the spec of <paramref name="method"/>, or returns <see langword="null"/> when it has no cache
    /// attribute or has problems (added to <paramref name="problems"/>, each prefixed by the method's name).
    /// </summary>
    /// <param name="service">The interface the method is called through.</param>
    /// <param name="method">The method; a generic one may be its definition (to validate) or closed (to run).</param>
    /// <param name="options">The options, for the default time to live.</param>
    /// <param name="json">The serializer options, for the shape of results.</param>
    /// <param name="problems">Where problems go.</param>
    public static MethodSpec? Build(Type service, MethodInfo method, CacheAsideOptions options, JsonSerializerOptions json, List<string> problems)
    {
        var definition = method.IsGenericMethod && !method.IsGenericMethodDefinition ? method.GetGenericMethodDefinition() : method;
        var cached = definition.GetCustomAttribute<CachedAttribute>(inherit: false);
        var invalidates = definition.GetCustomAttributes<InvalidatesAttribute>(inherit: false).ToArray();
        if (cached is null && invalidates.Length == 0)
        {
            return null;
        }

        var display = TypeNames.Display(definition);
        var local = new List<string>();
        MethodSpec? spec;
        if (cached is not null && invalidates.Length > 0)
        {
            spec = Conflict(local);
        }
        else if (definition.IsStatic)
        {
            spec = Static(cached is not null ? "[Cached]" : "[Invalidates]", local);
        }
        else
        {
            spec = cached is not null
                ? Read(service, method, cached, display, options, json, local)
                : Write(service, method, invalidates, display, local);
        }

        problems.AddRange(local.Select(p => $"{display}: {p}"));
        return local.Count == 0 ? spec : null;
    }

    /// <summary>
    /// Reports every cache attribute on a method of <paramref name="implementation"/>: the proxy implements the
    /// interfaces, so it reads attributes from their methods only, and one on the class would be ignored.
    /// </summary>
    /// <param name="implementation">The class a registration activates; for an open generic registration, its definition.</param>
    /// <param name="services">The interfaces the registration exposes (generic definitions for an open generic one).</param>
    /// <param name="problems">Where problems go.</param>
    public static void ValidateImplementation(Type implementation, IReadOnlyCollection<Type> services, List<string> problems)
    {
        // A delegate registration names no class; a class Castle generated copies the interface's attributes.
        if (implementation.IsInterface || Castle.DynamicProxy.ProxyUtil.IsProxyType(implementation))
        {
            return;
        }

        var exposed = new Dictionary<MethodInfo, MethodInfo>();
        foreach (var contract in implementation.GetInterfaces().Where(i => services.Contains(i.IsGenericType ? i.GetGenericTypeDefinition() : i) || services.Contains(i)))
        {
            var map = implementation.GetInterfaceMap(contract);
            for (var i = 0; i < map.TargetMethods.Length; i++)
            {
                exposed.TryAdd(map.TargetMethods[i], map.InterfaceMethods[i]);
            }
        }

        for (var type = implementation; type is not null && type != typeof(object); type = type.BaseType)
        {
            var methods = type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
            foreach (var method in methods.OrderBy(m => m.MetadataToken))
            {
                var attribute = method.IsDefined(typeof(CachedAttribute), inherit: false) ? "[Cached]"
                    : method.IsDefined(typeof(InvalidatesAttribute), inherit: false) ? "[Invalidates]"
                    : null;
                if (attribute is null)
                {
                    continue;
                }

                var fix = exposed.TryGetValue(method, out var contract)
                    ? $"move it to {TypeNames.Display(contract)}"
                    : $"declare the method on an interface the registration exposes and put {attribute} there, or remove it";
                problems.Add($"{TypeNames.Display(method)}: {attribute} is on the class, but the proxy reads cache attributes from the interface methods it implements, so it would be ignored: {fix}.");
            }
        }
    }

    /// <summary>A static interface method is called on the interface, not on an instance, so no proxy ever sees its calls.</summary>
    private static MethodSpec? Static(string attribute, List<string> problems)
    {
        problems.Add($"{attribute} is on a static method, which is called on the interface itself and never reaches the proxy: make it an instance method, or remove {attribute}.");
        return null;
    }

    private static MethodSpec? Conflict(List<string> problems)
    {
        problems.Add("has both [Cached] and [Invalidates]: a method either reads through the cache or invalidates it after a write; remove one of them.");
        return null;
    }

    private static MethodSpec? Read(Type service, MethodInfo method, CachedAttribute cached, string display, CacheAsideOptions options, JsonSerializerOptions json, List<string> problems)
    {
        var (shape, resultType) = Classify(method.ReturnType);
        if (resultType is null)
        {
            problems.Add($"[Cached] needs a result to store, but the method returns {TypeNames.Display(method.ReturnType)}: return T, Task<T> or ValueTask<T>, or remove [Cached].");
        }
        else if (IsAsyncStream(resultType))
        {
            problems.Add($"[Cached] cannot store the stream {TypeNames.Display(resultType)}: return a list (Task<IReadOnlyList<T>>), or remove [Cached].");
            resultType = null;
        }

        foreach (var parameter in method.GetParameters().Where(p => p.ParameterType.IsByRef))
        {
            var modifier = parameter.IsOut ? "out" : parameter.IsIn ? "in" : "ref";
            problems.Add($"[Cached] cannot cache a method with the {modifier} parameter '{parameter.Name}': a hit would not set it; pass it by value, or remove [Cached].");
        }

        var ttl = Seconds(cached.ConfiguredTtlSeconds, nameof(CachedAttribute.TtlSeconds), $"leave it unset for CacheAsideOptions.DefaultTtl ({options.DefaultTtl})", options.MinimumTtl, problems) ?? options.DefaultTtl;
        var nullTtl = Seconds(cached.ConfiguredNullTtlSeconds, nameof(CachedAttribute.NullTtlSeconds), "leave it unset to not cache null results", options.MinimumTtl, problems);
        if (nullTtl is not null && resultType is { IsValueType: true } && Nullable.GetUnderlyingType(resultType) is null)
        {
            problems.Add($"[Cached] sets NullTtlSeconds, but the method's result {TypeNames.Display(resultType)} is never null: remove NullTtlSeconds.");
        }

        var freshness = Freshness(cached, options, problems);
        KeyRenderer? key;
        if (cached.Key is null)
        {
            DefaultKey.Validate(method, problems);
            key = new DefaultKey(service, method);
        }
        else
        {
            key = KeyTemplateParser.Parse(cached.Key, method, "[Cached]", requireTypeParameters: true, problems);
        }

        var fingerprint = string.Empty;
        if (resultType is not null && !resultType.ContainsGenericParameters)
        {
            var storage = new List<string>();
            FidelityCheck.Check(resultType, json, storage);
            fingerprint = TypeShape.Fingerprint(resultType, json);
            problems.AddRange(storage.Select(p => $"[Cached] cannot store the result: {p}, or remove [Cached]."));
        }

        return key is null || resultType is null
            ? null
            : new MethodSpec(service, method, display, MethodKind.Read, shape, resultType, [key], ttl, nullTtl, fingerprint) { Freshness = freshness };
    }

    private static MethodSpec? Write(Type service, MethodInfo method, InvalidatesAttribute[] invalidates, string display, List<string> problems)
    {
        var (shape, resultType) = Classify(method.ReturnType);
        if (resultType is not null && IsAsyncStream(resultType))
        {
            problems.Add($"[Invalidates] cannot tell when the stream {TypeNames.Display(resultType)} has finished writing: return Task or Task<T>, or invalidate with ICacheInvalidator.");
        }

        var keys = invalidates
            .Select(a => KeyTemplateParser.Parse(a.Key, method, "[Invalidates]", requireTypeParameters: false, problems))
            .OfType<KeyRenderer>()
            .ToArray();
        return new MethodSpec(service, method, display, MethodKind.Write, shape, resultType, keys, TimeSpan.Zero, null, string.Empty);
    }

    /// <summary>The method's early refresh, fail-safe and soft timeout: the options', with what its attribute sets instead.</summary>
    private static FreshnessPolicy Freshness(CachedAttribute cached, CacheAsideOptions options, List<string> problems)
    {
        var policy = FreshnessPolicy.From(options);
        if (cached.ConfiguredEarlyRefreshBeta is { } beta)
        {
            if (!double.IsFinite(beta) || beta < 0 || beta > 100)
            {
                problems.Add($"[Cached] has EarlyRefreshBeta = {beta.ToString(CultureInfo.InvariantCulture)}: set it between 0 (no early refresh) and 100, or leave it unset for CacheAsideOptions.EarlyRefreshBeta ({options.EarlyRefreshBeta.ToString(CultureInfo.InvariantCulture)}).");
            }
            else
            {
                policy = policy with { Beta = beta };
            }
        }

        if (cached.ConfiguredFailSafeSeconds is { } failSafe)
        {
            if (!double.IsFinite(failSafe) || failSafe < 0 || failSafe > TimeSpan.FromDays(365).TotalSeconds)
            {
                problems.Add($"[Cached] has FailSafeSeconds = {failSafe.ToString(CultureInfo.InvariantCulture)}: set it between 0 (fail-safe off) and 31536000 (365 days), or leave it unset for CacheAsideOptions.FailSafeWindow ({options.FailSafeWindow}).");
            }
            else
            {
                policy = policy with { FailSafeWindow = TimeSpan.FromSeconds(failSafe) };
            }
        }

        if (cached.ConfiguredSoftTimeoutSeconds is { } soft)
        {
            if (!double.IsFinite(soft) || soft <= 0 || soft > TimeSpan.FromDays(1).TotalSeconds)
            {
                problems.Add($"[Cached] has SoftTimeoutSeconds = {soft.ToString(CultureInfo.InvariantCulture)}: set a positive number of seconds of at most 86400, or leave it unset for CacheAsideOptions.SourceSoftTimeout.");
            }
            else if (!policy.FailSafe)
            {
                problems.Add("[Cached] sets SoftTimeoutSeconds, but fail-safe is off for the method, so there is no fallback to answer with: set FailSafeSeconds (or CacheAsideOptions.FailSafeWindow), or remove SoftTimeoutSeconds.");
            }
            else
            {
                policy = policy with { SoftTimeout = TimeSpan.FromSeconds(soft) };
            }
        }

        return policy;
    }

    private static TimeSpan? Seconds(double? seconds, string property, string alternative, TimeSpan minimum, List<string> problems)
    {
        if (seconds is null)
        {
            return null;
        }

        if (!double.IsFinite(seconds.Value) || seconds.Value <= 0 || seconds.Value > TimeSpan.MaxValue.TotalSeconds)
        {
            problems.Add($"[Cached] has {property} = {seconds.Value.ToString(CultureInfo.InvariantCulture)}: set a positive number of seconds, or {alternative}.");
            return null;
        }

        if (seconds.Value > CacheAsideOptions.MaximumTtl.TotalSeconds)
        {
            problems.Add($"[Cached] has {property} = {seconds.Value.ToString(CultureInfo.InvariantCulture)}, longer than an entry may live ({CacheAsideOptions.MaximumTtl.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds, {CacheAsideOptions.MaximumTtl.TotalDays.ToString(CultureInfo.InvariantCulture)} days): set at most that, or {alternative}.");
            return null;
        }

        var span = TimeSpan.FromSeconds(seconds.Value);
        if (span < minimum)
        {
            problems.Add($"[Cached] has {property} = {seconds.Value.ToString(CultureInfo.InvariantCulture)}, below CacheAsideOptions.MinimumTtl ({minimum.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s), which Redis cannot keep: set at least that, or lower MinimumTtl.");
            return null;
        }

        return span;
    }

    internal static (ReturnShape Shape, Type? ResultType) Classify(Type returnType)
    {
        if (returnType == typeof(void))
        {
            return (ReturnShape.Void, null);
        }

        if (returnType == typeof(Task))
        {
            return (ReturnShape.Task, null);
        }

        if (returnType == typeof(ValueTask))
        {
            return (ReturnShape.ValueTask, null);
        }

        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>))
            {
                return (ReturnShape.TaskOfT, returnType.GetGenericArguments()[0]);
            }

            if (definition == typeof(ValueTask<>))
            {
                return (ReturnShape.ValueTaskOfT, returnType.GetGenericArguments()[0]);
            }
        }

        return (ReturnShape.Value, returnType);
    }

    private static bool IsAsyncStream(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>);
}
