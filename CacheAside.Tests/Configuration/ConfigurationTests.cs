using Autofac;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace CacheAside.Tests.Configuration;

/// <summary>
/// Options from a configuration section (<c>appsettings.json</c>, environment variables): every value binds,
/// code set after it wins, and every mistake is reported when the container is built, naming the configuration
/// path of the value to fix. The messages are pinned: they are part of the product.
/// </summary>
public sealed class ConfigurationTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("cacheaside-config-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void EveryOption_BindsFromAppSettingsJson_AndTheCacheUsesIt()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        var configuration = Json($$"""
            {
              "CacheAside": {
                "RedisConfiguration": "{{SharedRedis.Server.Endpoint}}",
                "Database": 3,
                "KeyPrefix": "{{prefix}}",
                "DefaultTtl": "00:10:00",
                "TtlJitter": 0.25,
                "MaxKeyLength": 300,
                "RedisTimeout": "00:00:00.200",
                "CircuitBreakerFailureRatio": 0.75,
                "CircuitBreakerMinimumThroughput": 20,
                "CircuitBreakerSamplingDuration": "00:00:30",
                "CircuitBreakerBreakDuration": "00:00:02",
                "ThrowOnRedisErrors": true,
                "UseLeases": false,
                "LeaseDuration": "00:00:04",
                "LeaseWaitTimeout": "00:00:06",
                "MaxPayloadBytes": 2048,
                "MinimumTtl": "00:00:00.010",
                "RecordKeysInTraces": true
              }
            }
            """);
        var store = new ProductStore();

        using var container = Build(b => b.RegisterCacheAside(configuration.GetSection("CacheAside")), store);
        var options = container.Resolve<CacheEngine>().Options;
        container.Resolve<IProductRepository>().Count();

        Assert.Multiple(() =>
        {
            Assert.That(options.RedisConfiguration, Is.EqualTo(SharedRedis.Server.Endpoint));
            Assert.That(options.Database, Is.EqualTo(3));
            Assert.That(options.KeyPrefix, Is.EqualTo(prefix));
            Assert.That(options.DefaultTtl, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(options.TtlJitter, Is.EqualTo(0.25));
            Assert.That(options.MaxKeyLength, Is.EqualTo(300));
            Assert.That(options.RedisTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(options.CircuitBreakerFailureRatio, Is.EqualTo(0.75));
            Assert.That(options.CircuitBreakerMinimumThroughput, Is.EqualTo(20));
            Assert.That(options.CircuitBreakerSamplingDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.CircuitBreakerBreakDuration, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(options.ThrowOnRedisErrors, Is.True);
            Assert.That(options.UseLeases, Is.False);
            Assert.That(options.LeaseDuration, Is.EqualTo(TimeSpan.FromSeconds(4)));
            Assert.That(options.LeaseWaitTimeout, Is.EqualTo(TimeSpan.FromSeconds(6)));
            Assert.That(options.MaxPayloadBytes, Is.EqualTo(2048));
            Assert.That(options.MinimumTtl, Is.EqualTo(TimeSpan.FromMilliseconds(10)));
            Assert.That(options.RecordKeysInTraces, Is.True);
        });

        // The entry is where the configuration said: database 3, the prefix, DefaultTtl plus at most 25%.
        var ttl = SharedRedis.Connection.GetDatabase(3).KeyTimeToLive(prefix + "{product-count}");
        Assert.That(ttl, Is.Not.Null.And.InRange(TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(12.5)));
        Assert.That(store.Reads, Is.EqualTo(1));
    }

    [Test]
    public void Names_AreCaseInsensitive_AsConfigurationKeysAre()
    {
        var configuration = Memory(("cacheaside:defaultttl", "00:00:30"), ("CACHEASIDE:USELEASES", "false"));

        using var container = Build(b => b.RegisterCacheAside(configuration.GetSection("CacheAside")));
        var options = container.Resolve<CacheEngine>().Options;

        Assert.That((options.DefaultTtl, options.UseLeases), Is.EqualTo((TimeSpan.FromSeconds(30), false)));
    }

    [Test]
    public void CodeAfterConfiguration_Wins_AndKeepsWhatConfigurationSet()
    {
        var configuration = Memory(("CacheAside:DefaultTtl", "00:00:30"), ("CacheAside:TtlJitter", "0.1"));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();

        using var container = Build(b => b.RegisterCacheAside(configuration.GetSection("CacheAside"), o =>
        {
            o.DefaultTtl = TimeSpan.FromMinutes(2);
            o.TimeProvider = clock;
        }));
        var options = container.Resolve<CacheEngine>().Options;

        Assert.That((options.DefaultTtl, options.TtlJitter, options.TimeProvider), Is.EqualTo((TimeSpan.FromMinutes(2), 0.1, (TimeProvider)clock)));
    }

    [Test]
    public void InvalidValueFromConfiguration_IsReported_NamingItsConfigurationPath()
    {
        var configuration = Memory(("CacheAside:RedisTimeout", "00:00:00"), ("CacheAside:TtlJitter", "2"));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("CacheAside")));

        Assert.That(problems, Is.EqualTo(new[]
        {
            "CacheAside:TtlJitter is 2: set it between 0 (no jitter) and 1 (up to double the TTL).",
            "CacheAside:RedisTimeout is 00:00:00: set it to a positive time span, such as the default of 50 ms for Redis on the same network.",
        }));
    }

    [Test]
    public void InvalidValueThatCodeSetAfterConfiguration_IsReported_NamingTheOption()
    {
        var configuration = Memory(("CacheAside:RedisTimeout", "00:00:01"));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("CacheAside"), o => o.RedisTimeout = TimeSpan.Zero));

        Assert.That(problems, Is.EqualTo(new[]
        {
            "CacheAsideOptions.RedisTimeout is 00:00:00: set it to a positive time span, such as the default of 50 ms for Redis on the same network.",
        }));
    }

    [Test]
    public void OptionNamedInAnotherOptionsMessage_IsNamedByItsConfigurationPath()
    {
        var configuration = Memory(("CacheAside:MinimumTtl", "00:00:01"));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("Cacheaside"), o => o.DefaultTtl = TimeSpan.FromMilliseconds(500)));

        Assert.That(problems, Is.EqualTo(new[]
        {
            "CacheAsideOptions.DefaultTtl is 00:00:00.5000000, below Cacheaside:MinimumTtl (00:00:01): set it to at least that.",
        }));
    }

    [Test]
    public void UnparsableRedisConfigurationFromConfiguration_IsReported_NamingItsPath()
    {
        var configuration = Memory(("App:Cache:RedisConfiguration", ",,,"));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("App:Cache")), withMultiplexer: false);

        Assert.That(problems, Is.EqualTo(new[]
        {
            "App:Cache:RedisConfiguration names no endpoint: give at least one host:port, such as \"localhost:6379\".",
        }));
    }

    [TestCase("DefaultTtl", "five minutes", "CacheAside:DefaultTtl is \"five minutes\", which is not a time span such as \"00:05:00\" (hours:minutes:seconds) or \"00:00:00.050\" (50 milliseconds): fix the value.")]
    [TestCase("DefaultTtl", "300", "CacheAside:DefaultTtl is \"300\", a bare number, which a TimeSpan reads as 300 days: write the time span in full, such as \"00:05:00\" for 5 minutes or \"00:00:00.050\" for 50 milliseconds (\"300.00:00:00\" if you do mean days).")]
    [TestCase("DefaultTtl", "", "CacheAside:DefaultTtl is empty: write a time span such as \"00:05:00\" (hours:minutes:seconds) or \"00:00:00.050\" (50 milliseconds), or remove it to keep the default.")]
    [TestCase("CircuitBreakerMinimumThroughput", "ten", "CacheAside:CircuitBreakerMinimumThroughput is \"ten\", which is not a whole number such as 10: fix the value.")]
    [TestCase("TtlJitter", "0,5", "CacheAside:TtlJitter is \"0,5\", which is not a number such as 0.5: fix the value.")]
    [TestCase("UseLeases", "yes", "CacheAside:UseLeases is \"yes\", which is not true or false: fix the value.")]
    [TestCase("TimeProvider", "system", "CacheAside:TimeProvider cannot come from configuration: CacheAsideOptions.TimeProvider is a TimeProvider; remove it from the configuration and set it in code, in RegisterCacheAside(section, o => o.TimeProvider = ...).")]
    public void ValueThatCannotBind_IsReported_WithItsPathAndTheFix(string option, string value, string expected)
    {
        var configuration = Memory(($"CacheAside:{option}", value));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("CacheAside")));

        Assert.That(problems, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void CodeOnlyOptionGivenAsASection_IsReported()
    {
        var configuration = Memory(("CacheAside:SerializerOptions:WriteIndented", "true"));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("CacheAside")));

        Assert.That(problems, Is.EqualTo(new[]
        {
            "CacheAside:SerializerOptions cannot come from configuration: CacheAsideOptions.SerializerOptions is a JsonSerializerOptions; remove it from the configuration and set it in code, in RegisterCacheAside(section, o => o.SerializerOptions = ...).",
        }));
    }

    [Test]
    public void ScalarOptionGivenAsASection_IsReported()
    {
        var configuration = Memory(("CacheAside:RedisTimeout:Milliseconds", "50"));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("CacheAside")));

        Assert.That(problems, Is.EqualTo(new[]
        {
            "CacheAside:RedisTimeout is a section, but CacheAsideOptions.RedisTimeout takes one value: write \"RedisTimeout\": a time span such as \"00:05:00\" (hours:minutes:seconds) or \"00:00:00.050\" (50 milliseconds).",
        }));
    }

    [Test]
    public void MisspelledOption_IsReported_WithTheNamesConfigurationCanSet()
    {
        var configuration = Memory(("CacheAside:RedisTimout", "00:00:00.100"));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("CacheAside")));

        Assert.That(problems, Has.Count.EqualTo(1));
        // The list follows the options' declaration, which grows; pinned are its start and what it must name.
        Assert.That(problems[0], Does.StartWith("CacheAside:RedisTimout is not a CacheAside option: check its spelling (configuration can set RedisConfiguration, "));
        Assert.That(problems[0], Does.Contain(" RedisTimeout,").And.Contain(" DefaultTtl,").And.Not.Contain("TimeProvider").And.Not.Contain("SerializerOptions"));
    }

    [Test]
    public void MissingSection_IsReported_RatherThanSilentlyUsingTheDefaults()
    {
        var configuration = Memory(("CacheAside:DefaultTtl", "00:01:00"));

        var problems = BuildExpectingProblems(b => b.RegisterCacheAside(configuration.GetSection("CacheAsdie")));

        Assert.That(problems, Is.EqualTo(new[]
        {
            "The configuration section \"CacheAsdie\" given to RegisterCacheAside is missing or empty: add it (in appsettings.json, \"CacheAsdie\": { \"RedisConfiguration\": \"localhost:6379\" }), or pass the section that holds the CacheAside options.",
        }));
    }

    [Test]
    public void BindingMistakesAndInvalidOptionsAndRegistrationMistakes_AreReportedTogether()
    {
        var configuration = Memory(("CacheAside:DefaultTtl", "soon"), ("CacheAside:Database", "-5"));

        var problems = BuildExpectingProblems(b =>
        {
            b.RegisterCacheAside(configuration.GetSection("CacheAside"));
            b.RegisterType<ProductStore>().AsSelf().As<IProductRepository>().EnableCacheAside();
        });

        Assert.That(problems, Is.EqualTo(new[]
        {
            "CacheAside:DefaultTtl is \"soon\", which is not a time span such as \"00:05:00\" (hours:minutes:seconds) or \"00:00:00.050\" (50 milliseconds): fix the value.",
            "CacheAside:Database is -5: set it to -1 (the connection's default) or a database number.",
            "ProductStore: EnableCacheAside() can only put a proxy in front of interfaces, but the registration also exposes the class ProductStore: expose only interfaces such as .As<IProductRepository>(), without .AsSelf() or .As<ProductStore>().",
        }));
    }

    [Test]
    public void RegisterCacheAsideWithConfiguration_TwiceOnOneBuilder_Throws()
    {
        var configuration = Memory(("CacheAside:DefaultTtl", "00:01:00"));
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(configuration.GetSection("CacheAside"));

        var thrown = Assert.Throws<InvalidOperationException>(() => builder.RegisterCacheAside(configuration.GetSection("CacheAside")));

        Assert.That(thrown!.Message, Is.EqualTo("RegisterCacheAside() was called twice on this ContainerBuilder: call it once, and set every option in that call."));
    }

    private IConfigurationRoot Json(string json)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, json);
        return new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
    }

    private static IConfigurationRoot Memory(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>Builds a container on the shared server, or (with <paramref name="store"/>) one that connects as the configuration says.</summary>
    private static IContainer Build(Action<ContainerBuilder> register, ProductStore? store = null)
    {
        var builder = new ContainerBuilder();
        if (store is null)
        {
            builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        }

        register(builder);
        builder.RegisterInstance(store ?? new ProductStore()).As<IProductRepository>().ExternallyOwned().EnableCacheAside();
        return builder.Build();
    }

    private static IReadOnlyList<string> BuildExpectingProblems(Action<ContainerBuilder> register, bool withMultiplexer = true)
    {
        var builder = new ContainerBuilder();
        if (withMultiplexer)
        {
            builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        }

        register(builder);

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        return thrown!.Problems;
    }
}
