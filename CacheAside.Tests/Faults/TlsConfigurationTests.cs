using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>TLS settings, like the password, are the configuration string's: CacheAside passes them on untouched.</summary>
public sealed class TlsConfigurationTests
{
    [Test]
    public void TlsAndCredentialSettings_ReachTheMultiplexer()
    {
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(o => o.RedisConfiguration = $"127.0.0.1:{RedisServer.FreePort()},ssl=true,sslHost=cache.internal,sslProtocols=Tls12,user=app,password=Tls-Secret-1");
        using var container = builder.Build();

        var connection = container.Resolve<IConnectionMultiplexer>();
        var configuration = ConfigurationOptions.Parse(connection.Configuration);

        Assert.That(configuration.Ssl, Is.True);
        Assert.That(configuration.SslHost, Is.EqualTo("cache.internal"));
        Assert.That(configuration.SslProtocols, Is.EqualTo(System.Security.Authentication.SslProtocols.Tls12));
        Assert.That(configuration.User, Is.EqualTo("app"));
        Assert.That(configuration.Password, Is.EqualTo("Tls-Secret-1"));
    }
}
