using Autofac;
using Autofac.Builder;
using Autofac.Core;
using Autofac.Core.Registration;
using Autofac.Core.Resolving.Pipeline;
using Autofac.Features.Scanning;
using CacheAside.Interception.Internal;
using CacheAside.Interception.Internal.Configuration;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Plans;
using CacheAside.Interception.Internal.Redis;
using CacheAside.Interception.Internal.Registration;
using Castle.DynamicProxy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CacheAside.Interception;

/// <summary>
/// Autofac registration verbs: <c>RegisterCacheAside</c> once per container (options in code, or from a configuration section), and
/// <see cref="EnableCacheAside{TLimit, TActivatorData, TSingleRegistrationStyle}"/> on each repository
/// registration, in the way <c>Autofac.Extras.DynamicProxy</c>'s <c>EnableInterfaceInterceptors()</c> is used.
/// </summary>
/// <example>
/// <code>
/// var builder = new ContainerBuilder();
/// builder.RegisterCacheAside(o => o.RedisConfiguration = "localhost:6379");
/// builder.RegisterType&lt;ProductRepository&gt;().As&lt;IProductRepository&gt;().EnableCacheAside();
/// using var container = builder.Build();
/// </code>
/// </example>
public static class RegistrationExtensions
{
    private const string OwnMultiplexerMetadataKey = "CacheAside.Interception.RegistrationExtensions.OwnMultiplexer";
    private const string RegisteredPropertyKey = "CacheAside.Interception.RegistrationExtensions.Registered";
    private const string OpenGenericsPropertyKey = "CacheAside.Interception.RegistrationExtensions.OpenGenerics";

    /// <summary>
    /// Registers what cache-aside interception needs, once per container: the options, a shared
    /// <see cref="IConnectionMultiplexer"/> (unless the container has its own, which then wins), the
    /// <see cref="ICacheInvalidator"/>, and a check that runs when the container is built.
    /// </summary>
    /// <remarks>
    /// When the container is built, every registration marked with <c>EnableCacheAside()</c> is validated
    /// and the options are checked; all mistakes are reported together in one
    /// <see cref="CacheAsideConfigurationException"/>. Then Redis is pinged once: if it does not answer, a
    /// warning is logged and the container is built anyway, with calls going to their implementations until
    /// Redis is back. If Redis refuses the credentials (a wrong <c>password=</c>), that is a configuration
    /// mistake: the build fails with a <see cref="CacheAsideConfigurationException"/> that names no password.
    /// An <c>ILoggerFactory</c> and any <see cref="ICacheAsideObserver"/> registered in the container are used.
    /// </remarks>
    /// <param name="builder">The container builder.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The container builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">This method was already called on <paramref name="builder"/>.</exception>
    public static ContainerBuilder RegisterCacheAside(this ContainerBuilder builder, Action<CacheAsideOptions>? configure) =>
        Register(builder, configuration: null, configure);

    /// <summary>
    /// Registers what cache-aside interception needs, with the default options; see
    /// <see cref="RegisterCacheAside(ContainerBuilder, Action{CacheAsideOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The container builder.</param>
    /// <returns>The container builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">RegisterCacheAside was already called on <paramref name="builder"/>.</exception>
    public static ContainerBuilder RegisterCacheAside(this ContainerBuilder builder) =>
        Register(builder, configuration: null, configure: null);

    /// <summary>
    /// Registers what cache-aside interception needs, as <see cref="RegisterCacheAside(ContainerBuilder, Action{CacheAsideOptions}?)"/>
    /// does, with the options read from a configuration section first and <paramref name="configure"/> applied after
    /// it (so code wins over configuration).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each value of the section sets the option of the same name (case-insensitive), converted by
    /// Microsoft.Extensions.Configuration.Binder: time spans as <c>"00:05:00"</c> (hours:minutes:seconds, and
    /// <c>"00:00:00.050"</c> for 50 milliseconds), numbers in the invariant culture (<c>0.5</c>), <c>true</c> or
    /// <c>false</c>. <see cref="CacheAsideOptions.TimeProvider"/> and <see cref="CacheAsideOptions.SerializerOptions"/>
    /// can only be set in code.
    /// </para>
    /// <para>
    /// Everything is checked when the container is built, together with the rest, in one
    /// <see cref="CacheAsideConfigurationException"/>: a missing section, a name that is no option, a value that does
    /// not convert (a bare number for a time span, which would read as days), and every invalid option, whose
    /// message names the configuration path (<c>CacheAside:RedisTimeout is 00:00:00: ...</c>) when its value came
    /// from configuration.
    /// </para>
    /// </remarks>
    /// <example>
    /// <code>
    /// // appsettings.json: { "CacheAside": { "RedisConfiguration": "redis:6379", "DefaultTtl": "00:10:00" } }
    /// builder.Host.ConfigureContainer&lt;ContainerBuilder&gt;(container =&gt;
    ///     container.RegisterCacheAside(builder.Configuration.GetSection("CacheAside")));
    /// </code>
    /// </example>
    /// <param name="builder">The container builder.</param>
    /// <param name="configuration">The section that holds the options, such as <c>configuration.GetSection("CacheAside")</c>.</param>
    /// <param name="configure">Sets options after the configuration did.</param>
    /// <returns>The container builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">RegisterCacheAside was already called on <paramref name="builder"/>.</exception>
    public static ContainerBuilder RegisterCacheAside(this ContainerBuilder builder, IConfiguration configuration, Action<CacheAsideOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(builder, configuration, configure);
    }

    /// <summary>
    /// Registers what cache-aside interception needs with the options read from a configuration section; see
    /// <see cref="RegisterCacheAside(ContainerBuilder, IConfiguration, Action{CacheAsideOptions})"/>.
    /// </summary>
    /// <param name="builder">The container builder.</param>
    /// <param name="configuration">The section that holds the options, such as <c>configuration.GetSection("CacheAside")</c>.</param>
    /// <returns>The container builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">RegisterCacheAside was already called on <paramref name="builder"/>.</exception>
    public static ContainerBuilder RegisterCacheAside(this ContainerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Register(builder, configuration, configure: null);
    }

    private static ContainerBuilder Register(ContainerBuilder builder, IConfiguration? configuration, Action<CacheAsideOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Properties.TryAdd(RegisteredPropertyKey, true))
        {
            throw new InvalidOperationException("RegisterCacheAside() was called twice on this ContainerBuilder: call it once, and set every option in that call.");
        }

        var options = new CacheAsideOptions();
        var configured = configuration is null ? null : ConfiguredOptions.Bind(configuration, options);
        configure?.Invoke(options);

        var state = new BuildState();
        builder.RegisterInstance(state);
        builder.Register(_ => new PlanCatalog(options)).SingleInstance();
        // Resolved only after OnBuilt validated the configuration string, so it parses here.
        builder.Register(_ => OwnConnections.Connect(options.RedisConfiguration, options)).SingleInstance();
        builder.Register(c => c.Resolve<OwnConnections>().Reads)
            .As<IConnectionMultiplexer>()
            .WithMetadata(OwnMultiplexerMetadataKey, true)
            .ExternallyOwned()
            .SingleInstance()
            .IfNotRegistered(typeof(IConnectionMultiplexer));
        builder.Register(c =>
            {
                var telemetry = new CacheAsideTelemetry(c.Resolve<IEnumerable<ICacheAsideObserver>>(), CreateLogger(c), options.TimeProvider)
                {
                    Tracing = new CacheAsideTracing(options),
                };
                var breaker = new CircuitBreaker(options, telemetry);
                var reads = c.Resolve<IConnectionMultiplexer>();
                var writes = c.ComponentRegistry.Registrations.Any(IsUserMultiplexer) ? reads : c.Resolve<OwnConnections>().Writes;
                var store = new RedisStore(reads, writes, options.Database, breaker, options.TimeProvider, options.RedisTimeout, options.CoalesceReadsAbove);
                return new CacheEngine(options, store, telemetry);
            })
            .SingleInstance();
        builder.Register(c => new ProxyFactory(c.Resolve<PlanCatalog>(), c.Resolve<CacheEngine>(), IsEnabled)).SingleInstance();
        builder.Register(c => new CacheInvalidator(c.Resolve<CacheEngine>())).As<ICacheInvalidator>().SingleInstance();
        builder.RegisterBuildCallback(scope => OnBuilt(scope, options, configured, state));
        return builder;
    }

    /// <summary>
    /// Puts a cache-aside proxy in front of the registration's interface services: calls to methods marked
    /// with <see cref="CachedAttribute"/> read through Redis, calls to methods marked with
    /// <see cref="InvalidatesAttribute"/> delete keys after they succeed, and all other calls go straight to
    /// the instance.
    /// </summary>
    /// <remarks>
    /// The registration must expose interfaces only (<c>.As&lt;IProductRepository&gt;()</c>), public or
    /// visible to <c>DynamicProxyGenAssembly2</c>; the container must have
    /// <c>RegisterCacheAside</c>. Both are checked when the container is built.
    /// </remarks>
    /// <typeparam name="TLimit">Registration limit type.</typeparam>
    /// <typeparam name="TActivatorData">Activator data type.</typeparam>
    /// <typeparam name="TSingleRegistrationStyle">Registration style.</typeparam>
    /// <param name="registration">The registration to put the proxy in front of.</param>
    /// <returns>The registration, for chaining.</returns>
    public static IRegistrationBuilder<TLimit, TActivatorData, TSingleRegistrationStyle> EnableCacheAside<TLimit, TActivatorData, TSingleRegistrationStyle>(
        this IRegistrationBuilder<TLimit, TActivatorData, TSingleRegistrationStyle> registration)
    {
        ArgumentNullException.ThrowIfNull(registration);

        var mark = new RegistrationMark();
        registration.WithMetadata(RegistrationMark.MetadataKey, mark);
        var scanned = registration.ActivatorData is OpenGenericScanningActivatorData scanning ? MarkEachScanned(scanning) : null;

        // Checked when the container is built, not at the first resolve: the registration's own callback
        // runs while the container's registry is made, for single and open generic registrations alike.
        if (registration.RegistrationData.DeferredCallback is { } deferred)
        {
            var register = deferred.Callback;
            deferred.Callback = registry =>
            {
                scanned?.Clear();
                register(registry);
                if (scanned is null)
                {
                    Registered(registry, registration.RegistrationData, ImplementationOf(registration.ActivatorData), mark);
                    return;
                }

                RequireCacheAside(registry, component: null);
                // A type the scan maps to no service is not registered (Autofac skips it), so it takes no place either.
                foreach (var (component, data, own) in scanned.Where(s => s.Data.Services.Any()))
                {
                    Registered(registry, data, component, own);
                }
            };
        }

        registration.ConfigurePipeline(pipeline => pipeline.Use(PipelinePhase.Activation, MiddlewareInsertionMode.StartOfPhase, (context, next) =>
        {
            next(context);
            var state = context.Resolve<BuildState>();
            context.Instance = state.Factory is { } factory
                ? factory.CreateProxy(context.Registration, context.ComponentRegistry, context.Instance!)
                : ProxyFactory.CreateDeferred(context.Registration, context.ComponentRegistry, context.Instance!, state);
        }));

        return registration;
    }

    /// <summary>
    /// Gives each open generic type that <paramref name="scanning"/> finds (<c>RegisterAssemblyOpenGenericTypes</c>) a mark
    /// of its own: each becomes an open generic registration of its own, which copies the scanning registration's
    /// metadata, and must take its own place in the order of registration, as <c>RegisterGeneric</c> would give it.
    /// </summary>
    /// <returns>The types found, in the order the scan registers them, with their registration data and marks.</returns>
    private static List<(Type Component, RegistrationData Data, RegistrationMark Mark)> MarkEachScanned(OpenGenericScanningActivatorData scanning)
    {
        var found = new List<(Type, RegistrationData, RegistrationMark)>();
        scanning.ConfigurationActions.Add((type, scanned) =>
        {
            var own = new RegistrationMark();
            scanned.RegistrationData.Metadata[RegistrationMark.MetadataKey] = own;
            found.Add((type, scanned.RegistrationData, own));
        });
        return found;
    }

    /// <summary>The implementation a registration names, or <see langword="null"/> when it names none (a delegate, a scan of many types).</summary>
    private static Type? ImplementationOf(object? activator) =>
        activator is ReflectionActivatorData reflection and not ScanningActivatorData and not OpenGenericScanningActivatorData ? reflection.ImplementationType : null;

    private static void RequireCacheAside(IComponentRegistryBuilder registry, Type? component)
    {
        if (!registry.Properties.ContainsKey(RegisteredPropertyKey))
        {
            throw new CacheAsideConfigurationException(
                $"{(component is null ? "A registration" : TypeNames.Display(component))} is registered with EnableCacheAside(), but the container has no cache-aside services: call builder.RegisterCacheAside() on the same ContainerBuilder.");
        }
    }

    private static void Registered(IComponentRegistryBuilder registry, RegistrationData data, Type? component, RegistrationMark mark)
    {
        RequireCacheAside(registry, component);
        if (component is { IsGenericTypeDefinition: true })
        {
            // An open generic registration makes its closed registrations at resolve time; its open
            // interfaces are validated with the others when the container is built.
            var open = (List<(Type Component, Type[] Services)>)(registry.Properties.TryGetValue(OpenGenericsPropertyKey, out var list) && list is not null
                ? list
                : registry.Properties[OpenGenericsPropertyKey] = new List<(Type, Type[])>());
            open.Add((component, data.Services.OfType<IServiceWithType>().Select(s => s.ServiceType).Distinct().ToArray()));
        }

        mark.Registered(
            registry.Properties,
            component is { IsGenericTypeDefinition: true } ? component : null,
            data.Services.OfType<KeyedService>().Select(s => s.ServiceKey));
    }

    private static void OnBuilt(ILifetimeScope scope, CacheAsideOptions options, ConfiguredOptions? configured, BuildState state)
    {
        var problems = options.Validate().ToList();
        if (options.RedisConfiguration is not null && !scope.ComponentRegistry.Registrations.Any(IsUserMultiplexer))
        {
            RedisConnection.Parse(options.RedisConfiguration, problems);
        }

        configured?.Report(options, problems);

        var services = new List<Type>();
        foreach (var registration in scope.ComponentRegistry.Registrations.Where(IsEnabled))
        {
            ValidateServices(registration, problems);
            var interfaces = ProxyFactory.InterfaceServices(registration);
            MethodSpecBuilder.ValidateImplementation(registration.Activator.LimitType, interfaces, problems);
            services.AddRange(interfaces);
        }

        if (scope.ComponentRegistry.Properties.TryGetValue(OpenGenericsPropertyKey, out var openGenerics) && openGenerics is List<(Type Component, Type[] Services)> open)
        {
            foreach (var (component, openServices) in open)
            {
                ValidateServices(TypeNames.Display(component), openServices, problems);
                var interfaces = openServices.Where(t => t.IsInterface).ToArray();
                MethodSpecBuilder.ValidateImplementation(component, interfaces, problems);
                services.AddRange(interfaces);
            }
        }

        var catalog = scope.Resolve<PlanCatalog>();
        catalog.Validate(services.Where(ProxyUtil.IsAccessible), problems);
        if (problems.Count == 0)
        {
            ValidateServiceKeys(scope.ComponentRegistry, catalog, problems);
        }

        if (problems.Count > 0)
        {
            throw new CacheAsideConfigurationException(problems);
        }

        var engine = scope.Resolve<CacheEngine>();
        var own = !scope.ComponentRegistry.Registrations.Any(IsUserMultiplexer);
        try
        {
            RedisConnection.CheckAtStartup(engine.Store.Connection, options, own, engine.Telemetry.Logger);
        }
        catch (CacheAsideConfigurationException) when (own)
        {
            // The container is never handed out, so nobody else would stop the multiplexers' reconnecting.
            engine.Dispose();
            scope.Resolve<OwnConnections>().Dispose();
            throw;
        }

        var factory = scope.Resolve<ProxyFactory>();
        factory.PrepareAll(scope.ComponentRegistry);
        state.Factory = factory;
        engine.Start(scope.Resolve<PlanCatalog>().LongestLifetime);
    }

    /// <summary>The service keys of every registration whose default keys carry them (see <see cref="ProxyFactory.ServiceKey"/>).</summary>
    private static void ValidateServiceKeys(IComponentRegistry registry, PlanCatalog catalog, List<string> problems)
    {
        foreach (var registration in registry.Registrations.Where(IsEnabled))
        {
            if (ProxyFactory.HasDefaultKeys(catalog, ProxyFactory.InterfaceServices(registration).Where(ProxyUtil.IsAccessible)))
            {
                ProxyFactory.ValidateServiceKeys(registration.Activator.LimitType.Name, registration.Services.OfType<KeyedService>().Select(s => s.ServiceKey), problems);
            }
        }

        var open = registry.Properties.TryGetValue(OpenGenericsPropertyKey, out var openGenerics) && openGenerics is List<(Type Component, Type[] Services)> list ? list : [];
        foreach (var mark in RegistrationMark.All(registry.Properties).Where(m => m.OpenGeneric is not null && m.OpenServiceKeys.Count > 0))
        {
            var interfaces = open.Where(o => o.Component == mark.OpenGeneric).SelectMany(o => o.Services).Where(t => t.IsInterface && ProxyUtil.IsAccessible(t));
            if (ProxyFactory.HasDefaultKeys(catalog, interfaces))
            {
                ProxyFactory.ValidateServiceKeys(TypeNames.Display(mark.OpenGeneric!), mark.OpenServiceKeys, problems);
            }
        }
    }

    private static void ValidateServices(IComponentRegistration registration, List<string> problems) =>
        ValidateServices(registration.Activator.LimitType.Name, registration.Services.OfType<IServiceWithType>().Select(s => s.ServiceType).Distinct().ToList(), problems);

    private static void ValidateServices(string component, IReadOnlyList<Type> typed, List<string> problems)
    {
        if (typed.Count == 0)
        {
            problems.Add($"{component}: EnableCacheAside() puts a proxy in front of interface services, but this registration exposes none: register it with .As<IYourRepository>().");
        }

        foreach (var type in typed)
        {
            if (!type.IsInterface)
            {
                var example = type.GetInterfaces().FirstOrDefault(ProxyUtil.IsAccessible);
                var hint = example is null ? string.Empty : $" such as .As<{TypeNames.Display(example)}>()";
                problems.Add($"{component}: EnableCacheAside() can only put a proxy in front of interfaces, but the registration also exposes the class {TypeNames.Display(type)}: expose only interfaces{hint}, without .AsSelf() or .As<{TypeNames.Display(type)}>().");
            }
            else if (!ProxyUtil.IsAccessible(type))
            {
                problems.Add($"{component}: the interface {TypeNames.Display(type)} is not public, so Castle DynamicProxy cannot implement it: make it public, or add [assembly: InternalsVisibleTo(\"DynamicProxyGenAssembly2\")] to its assembly.");
            }
            else if (Inaccessible(type) is { } hidden)
            {
                problems.Add($"{component}: the interface {TypeNames.Display(type)} is closed over {TypeNames.Display(hidden)}, which is not public, so Castle DynamicProxy cannot implement it: make {TypeNames.Display(hidden)} public, or add [assembly: InternalsVisibleTo(\"DynamicProxyGenAssembly2\")] to its assembly.");
            }
        }
    }

    /// <summary>A type argument of <paramref name="type"/>, at any depth, that a generated proxy cannot see.</summary>
    private static Type? Inaccessible(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }

        foreach (var argument in type.GetGenericArguments().Where(a => !a.IsGenericParameter))
        {
            var element = argument.HasElementType ? argument.GetElementType()! : argument;
            if (!ProxyUtil.IsAccessible(element))
            {
                return element;
            }

            if (Inaccessible(element) is { } deeper)
            {
                return deeper;
            }
        }

        return null;
    }

    private static bool IsEnabled(IComponentRegistration registration) => registration.Metadata.ContainsKey(RegistrationMark.MetadataKey);

    private static bool IsUserMultiplexer(IComponentRegistration registration) =>
        !registration.Metadata.ContainsKey(OwnMultiplexerMetadataKey)
        && registration.Services.Contains(new TypedService(typeof(IConnectionMultiplexer)));

    private static ILogger CreateLogger(IComponentContext context) =>
        context.ResolveOptional<ILoggerFactory>()?.CreateLogger(CacheAsideDiagnostics.LoggerCategory) ?? NullLogger.Instance;
}
