namespace CacheAside.Interception.Internal.Registration;

/// <summary>
/// Whether the container's build has validated the cache configuration yet. Autofac activates some
/// components (instances) while it builds, before the build callback that validates; their proxies wait for
/// the validated plans instead of building them, so every mistake is reported once, by that callback, in
/// one <see cref="CacheAsideConfigurationException"/>, never wrapped in a resolution error.
/// </summary>
internal sealed class BuildState
{
    /// <summary>Gets or sets the proxy factory, once the configuration is validated and the plans are built.</summary>
    public ProxyFactory? Factory { get; set; }
}
