using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Registration;

/// <summary>The two registration verbs, used as a user would.</summary>
public sealed class RegistrationTests
{
    [Test]
    public void UserRegisteredMultiplexer_WinsOverTheConfigurationString()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore(), o => o.RedisConfiguration = "unreachable.invalid:1");

        var connection = harness.Container.Resolve<IConnectionMultiplexer>();

        Assert.That(connection, Is.SameAs(SharedRedis.Connection));
    }

    [Test]
    public void BuildFailingWithAnUnexpectedException_ClosesTheConnectionsCacheAsideMade()
    {
        using var server = RedisServer.Start();
        using var redis = ConnectionMultiplexer.Connect(server.Endpoint + ",allowAdmin=true");
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(o =>
        {
            o.RedisConfiguration = server.Endpoint;
            o.KeyPrefix = $"test:{Guid.NewGuid():N}:";
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        builder.RegisterInstance(new Region("eu")).As<IRegionLookup>().EnableCacheAside();

        // Build callbacks run in the order they were registered: this one after CacheAside's connected.
        builder.RegisterBuildCallback(_ => throw new InvalidOperationException("a build callback of the application failed"));

        var thrown = Assert.Catch(() => builder.Build().Dispose());

        Assert.That(thrown, Is.Not.InstanceOf<CacheAsideConfigurationException>(), "the failure under test is not a configuration mistake");
        // Promptly: a multiplexer nobody disposed is closed too, but only when the garbage collector finds it.
        Assert.That(Eventually.True(() => CacheAsideClients(redis, server).Count == 0, TimeSpan.FromSeconds(1)), Is.True, $"connections left open: {string.Join(", ", CacheAsideClients(redis, server))}");
    }

    [Test]
    public void ConfigurationString_IsUsed_WhenTheContainerHasNoMultiplexer()
    {
        var builder = new ContainerBuilder();
        var observer = new RecordingObserver();
        builder.RegisterInstance(observer).As<ICacheAsideObserver>();
        builder.RegisterCacheAside(o =>
        {
            o.RedisConfiguration = SharedRedis.Server.Endpoint;
            o.KeyPrefix = $"test:{Guid.NewGuid():N}:";
        });
        builder.RegisterType<ProductStore>().As<IProductRepository>().SingleInstance().EnableCacheAside();

        using (var container = builder.Build())
        {
            var repository = container.Resolve<IProductRepository>();
            repository.GetById(1);
            repository.GetById(1);
        }

        Assert.That(observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit }));
    }

    [Test]
    public void ResolvedService_IsAProxy_ThatStillImplementsTheInterface()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore());

        Assert.That(harness.Service, Is.Not.InstanceOf<ProductStore>());
        Assert.That(harness.Service, Is.InstanceOf<IProductRepository>());
    }

    [Test]
    public void RegisterCacheAside_CalledTwice_Throws()
    {
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside();

        var thrown = Assert.Throws<InvalidOperationException>(() => builder.RegisterCacheAside());

        Assert.That(thrown!.Message, Is.EqualTo("RegisterCacheAside() was called twice on this ContainerBuilder: call it once, and set every option in that call."));
    }

    [Test]
    public void EnableCacheAside_WithoutRegisterCacheAside_FailsTheBuildWithTheFix()
    {
        var builder = new ContainerBuilder();
        builder.RegisterType<ProductStore>().As<IProductRepository>().EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Problems, Is.EqualTo(new[] { "ProductStore is registered with EnableCacheAside(), but the container has no cache-aside services: call builder.RegisterCacheAside() on the same ContainerBuilder." }));
    }

    [Test]
    public void RegisterInstanceWithTwoMistakes_FailsTheBuildWithBoth_NotWithAResolutionError()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        builder.RegisterInstance(new TwoMistakes()).As<ITwoMistakes>().EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Problems, Has.Count.EqualTo(2));
        Assert.That(thrown.Problems, Has.Some.StartsWith("ITwoMistakes.Nothing(): [Cached] needs a result to store"));
        Assert.That(thrown.Problems, Has.Some.StartsWith("ITwoMistakes.Missing(int): [Cached] key template \"m:{nope}\" names {nope}"));
    }

    [Test]
    public void OpenGenericRegistrationWithAMistake_FailsTheBuild_NotTheFirstResolve()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        builder.RegisterGeneric(typeof(BrokenGenericStore<>)).As(typeof(IBrokenGenericStore<>)).EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Problems, Has.Some.Contains("IBrokenGenericStore<T>.Get(int): [Cached] key template \"item:{id}\" does not name the type parameter T"));
    }

    [Test]
    public void OpenGenericRegistration_CachesEachClosedType_UnderItsOwnKeys()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside(o => o.KeyPrefix = prefix);
        builder.RegisterGeneric(typeof(GenericStore<>)).As(typeof(IGenericStore<>)).SingleInstance().EnableCacheAside();
        using var container = builder.Build();
        var numbers = container.Resolve<IGenericStore<int>>();
        var words = container.Resolve<IGenericStore<string>>();

        var first = (numbers.Describe(1), words.Describe(1));
        var second = (numbers.Describe(1), words.Describe(1));

        Assert.That(first, Is.EqualTo(("Int32 1", "String 1")));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(((GenericStore<int>)GenericStore<int>.Last!).Calls + ((GenericStore<string>)GenericStore<string>.Last!).Calls, Is.EqualTo(2), "each closed type loaded once");
    }

    [Test]
    public void PublicGenericInterfaceOverAnInternalType_FailsTheBuildWithTheFix()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        builder.RegisterType<HiddenStore>().As<IGenericStore<Hidden>>().EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Problems, Has.Some.EqualTo("HiddenStore: the interface IGenericStore<Hidden> is closed over Hidden, which is not public, so Castle DynamicProxy cannot implement it: make Hidden public, or add [assembly: InternalsVisibleTo(\"DynamicProxyGenAssembly2\")] to its assembly."));
    }

    [Test]
    public void RegisterInstance_IsCachedLikeAnyRegistration()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        var store = new ProductStore();
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside(o => o.KeyPrefix = prefix);
        builder.RegisterInstance(store).As<IProductRepository>().EnableCacheAside();
        using var container = builder.Build();
        var repository = container.Resolve<IProductRepository>();

        repository.GetById(1);
        repository.GetById(1);

        Assert.That(store.Reads, Is.EqualTo(1));
    }

    private static List<string> CacheAsideClients(ConnectionMultiplexer redis, RedisServer server) =>
        redis.GetServer(server.Endpoint).ClientList().Select(c => c.Name ?? string.Empty).Where(n => n.StartsWith("CacheAside-", StringComparison.Ordinal)).ToList();
}

public interface ITwoMistakes
{
    [Cached]
    void Nothing();

    [Cached("m:{nope}")]
    string Missing(int id);
}

public sealed class TwoMistakes : ITwoMistakes
{
    public void Nothing()
    {
    }

    public string Missing(int id) => "m";
}

public interface IBrokenGenericStore<T>
{
    [Cached("item:{id}")]
    T Get(int id);
}

public sealed class BrokenGenericStore<T> : IBrokenGenericStore<T>
{
    public T Get(int id) => default!;
}

public interface IGenericStore<T>
{
    [Cached("describe:{T}:{id}")]
    string Describe(int id);
}

public sealed class GenericStore<T> : IGenericStore<T>
{
    private int _calls;

    public GenericStore()
    {
        Last = this;
    }

    public static object? Last { get; private set; }

    public int Calls => Volatile.Read(ref _calls);

    public string Describe(int id)
    {
        Interlocked.Increment(ref _calls);
        return $"{typeof(T).Name} {id}";
    }
}

internal sealed class Hidden;

public sealed class HiddenStore : IGenericStore<Hidden>
{
    public string Describe(int id) => "hidden";
}
