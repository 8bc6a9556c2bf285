using System.Diagnostics;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// A password-protected Redis (<c>--requirepass</c>): the password passes through the configuration string,
/// a wrong one fails the build at once with a clear message, and the password shows nowhere.
/// </summary>
public sealed class AuthenticationTests
{
    private const string Password = "Pa55-word-4-tests";

    private static RedisServer? s_server;

    private static RedisServer Server => s_server ?? throw new InvalidOperationException("Not started.");

    [OneTimeSetUp]
    public void StartServer() => s_server = RedisServer.Start("--requirepass", Password);

    [OneTimeTearDown]
    public void StopServer() => s_server?.Dispose();

    [Test]
    public void RightPassword_Caches_AndIsNeverLogged()
    {
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, $"{Server.Endpoint},password={Password}");

        harness.Service.GetById(1);
        harness.Service.GetById(1);

        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
        Assert.That(harness.Logs.AllText, Does.Not.Contain(Password));
    }

    [Test]
    public async Task OutageOfAPasswordProtectedRedis_LogsNoPassword_AtAnyLevel()
    {
        using var server = RedisServer.Start("--requirepass", Password);
        var store = new ProductStore();
        using var harness = CacheAsideHarness<IProductRepository>.CreateConnecting(store, $"{server.Endpoint},password={Password}", o => o.CircuitBreakerMinimumThroughput = 2);
        await harness.Service.GetByIdAsync(1);
        server.Kill();

        await harness.Service.GetByIdAsync(1);
        harness.Service.GetById(2);
        await harness.Service.UpdateAsync(store.Row(3)!);
        harness.Service.GetById(4);

        Assert.That(harness.Logs.WithId(12).Select(e => e.Level), Has.Some.EqualTo(LogLevel.Trace).And.All.EqualTo(LogLevel.Trace), "the full errors were logged at Trace, since their messages name keys");
        Assert.That(harness.Logs.AllText, Does.Not.Contain(Password));
    }

    [TestCase(",password=Wrong-" + Password, TestName = "WrongPassword_FailsTheBuildFast_WithAMessageWithoutThePassword")]
    [TestCase("", TestName = "MissingPassword_FailsTheBuildFast")]
    public void RejectedCredentials_FailTheBuildFast_WithoutShowingThePassword(string passwordPart)
    {
        var logs = new LogCapture();
        var builder = new ContainerBuilder();
        builder.RegisterInstance(logs).As<ILoggerFactory>();
        builder.RegisterCacheAside(o => o.RedisConfiguration = Server.Endpoint + passwordPart);
        builder.RegisterInstance(new ProductStore()).As<IProductRepository>().EnableCacheAside();
        var building = Stopwatch.StartNew();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(building.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "fails at once rather than hanging");
        Assert.That(thrown!.Message, Is.EqualTo(
            $"CacheAside is not configured correctly: Redis at {Server.Endpoint} refused to authenticate the connection: check password= (and user=, for an ACL user) in CacheAsideOptions.RedisConfiguration; with ssl=true, also check that the server's certificate is trusted."));
        Assert.That(thrown.ToString(), Does.Not.Contain(Password), "neither the message nor the inner exceptions show a password");
        Assert.That(logs.AllText, Does.Not.Contain(Password));
    }

    [Test]
    public void RegisteredMultiplexerWithAWrongPassword_FailsTheBuildToo()
    {
        using var connection = ConnectionMultiplexer.Connect($"{Server.Endpoint},password=Wrong-{Password},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000");
        var builder = new ContainerBuilder();
        builder.RegisterInstance(connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Message, Does.Contain("in the configuration of the IConnectionMultiplexer registered in the container"));
        Assert.That(thrown.ToString(), Does.Not.Contain(Password));
    }

    [Test]
    public void WrongPassword_BehindAHandshakeSlowerThanConnectTimeout_StillFailsTheBuild()
    {
        using var proxy = new DelayProxy(Server.Port) { Delay = TimeSpan.FromMilliseconds(700) };
        using var connection = ConnectionMultiplexer.Connect($"{proxy.Endpoint},password=Wrong-{Password},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000");
        Assert.That(connection.IsConnected, Is.False, "the first attempt ran out of connectTimeout before the server answered");
        proxy.Delay = TimeSpan.Zero;
        var builder = new ContainerBuilder();
        builder.RegisterInstance(connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        var building = Stopwatch.StartNew();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Message, Does.Contain("refused to authenticate"));
        Assert.That(building.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void WrongPassword_WhoseFirstHandshakeOutlastsConnectTimeout_FailsTheBuildOfAnOwnConnection()
    {
        using var proxy = new DelayProxy(Server.Port) { Delay = TimeSpan.FromMilliseconds(700) };
        using var faster = new Timer(_ => proxy.Delay = TimeSpan.Zero, null, TimeSpan.FromMilliseconds(1100), Timeout.InfiniteTimeSpan);
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(o => o.RedisConfiguration = $"{proxy.Endpoint},password=Wrong-{Password}");
        builder.RegisterInstance(new ProductStore()).As<IProductRepository>().EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Message, Does.Contain("refused to authenticate"));
        Assert.That(thrown.ToString(), Does.Not.Contain(Password));
    }
}
