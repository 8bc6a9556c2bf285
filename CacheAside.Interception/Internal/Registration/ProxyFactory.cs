using System.Collections.Concurrent;
using System.Collections.Frozen;
using Autofac.Core;
using CacheAside.Interception.Internal.Engine;
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
    private static readonly ProxyGenerator s_generator = new();

    private readonly PlanCatalog _catalog;
    private readonly CacheEngine _engine;
    private readonly ConcurrentDictionary<Guid, Proxying> _byRegistration = new();

    public ProxyFactory(PlanCatalog catalog, CacheEngine engine)
    {
        _catalog = catalog;
        _engine = engine;
    }

    public object CreateProxy(IComponentRegistration registration, object target)
    {
        var proxying = _byRegistration.GetOrAdd(registration.Id, _ => Prepare(registration));
        return s_generator.CreateInterfaceProxyWithTarget(proxying.Primary, proxying.Additional, target, proxying.Interceptor);
    }

    /// <summary>The interface services a registration exposes, in the order it declared them.</summary>
    public static Type[] InterfaceServices(IComponentRegistration registration) => registration.Services
        .OfType<IServiceWithType>()
        .Select(s => s.ServiceType)
        .Where(t => t.IsInterface)
        .Distinct()
        .ToArray();

    private Proxying Prepare(IComponentRegistration registration)
    {
        var interfaces = InterfaceServices(registration);
        if (interfaces.Length == 0)
        {
            throw new CacheAsideConfigurationException(
                $"{registration.Activator.LimitType.Name}: EnableCacheAside() puts a proxy in front of interface services, but this registration exposes none: register it with .As<IYourRepository>().");
        }

        var plans = interfaces
            .SelectMany(_catalog.SpecsFor)
            .DistinctBy(s => s.Method)
            .ToFrozenDictionary(s => s.Method, s => PlanFactory.Create(s, _engine, _catalog));
        return new Proxying(interfaces[0], interfaces[1..], new CacheAsideInterceptor(plans));
    }

    private sealed record Proxying(Type Primary, Type[] Additional, IInterceptor Interceptor);
}
