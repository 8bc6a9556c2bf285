using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Keys;
using StackExchange.Redis;

namespace CacheAside.Tests.Registration;

/// <summary>
/// Two registrations of one interface — keyed services, several implementations — never share
/// default-keyed entries, and every container built from the same registrations gives them the same keys.
/// </summary>
public sealed class RegistrationScopeTests
{
    [Test]
    public void KeyedRegistrationsOfOneInterface_EachGetTheirOwnEntries()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        using var container = Build(prefix, builder =>
        {
            builder.RegisterInstance(new Region("eu")).Keyed<IRegionLookup>("eu").EnableCacheAside();
            builder.RegisterInstance(new Region("us")).Keyed<IRegionLookup>("us").EnableCacheAside();
        });
        var eu = container.ResolveKeyed<IRegionLookup>("eu");
        var us = container.ResolveKeyed<IRegionLookup>("us");

        var first = (eu.Describe(7), us.Describe(7));
        var second = (eu.Describe(7), us.Describe(7));

        Assert.That(first, Is.EqualTo(("eu 7", "us 7")));
        Assert.That(second, Is.EqualTo(("eu 7", "us 7")), "the hits too");
    }

    [Test]
    public void SeveralImplementationsOfOneInterface_EachGetTheirOwnEntries()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        using var container = Build(prefix, builder =>
        {
            builder.RegisterInstance(new Region("eu")).As<IRegionLookup>().EnableCacheAside();
            builder.RegisterInstance(new Region("us")).As<IRegionLookup>().EnableCacheAside();
            builder.RegisterType<Archive>().As<IRegionLookup>().EnableCacheAside();
        });

        var all = container.Resolve<IEnumerable<IRegionLookup>>().ToList();
        var first = all.Select(r => r.Describe(3)).ToList();
        var second = all.Select(r => r.Describe(3)).ToList();

        Assert.That(first, Is.EqualTo(new[] { "eu 3", "us 3", "archive 3" }));
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void KeyedRegistration_AndTheSecondOfTwoUnkeyedOnes_EachGetTheirOwnEntries()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        using var container = Build(prefix, builder =>
        {
            builder.RegisterInstance(new Region("keyed")).Keyed<IRegionLookup>("1").EnableCacheAside();
            builder.RegisterInstance(new Region("first")).As<IRegionLookup>().EnableCacheAside();
            builder.RegisterInstance(new Region("second")).As<IRegionLookup>().EnableCacheAside();
        });

        var keyed = container.ResolveKeyed<IRegionLookup>("1").Describe(7);
        var unkeyed = container.Resolve<IEnumerable<IRegionLookup>>().Select(r => r.Describe(7)).ToList();

        Assert.That(keyed, Is.EqualTo("keyed 7"));
        Assert.That(unkeyed, Is.EqualTo(new[] { "first 7", "second 7" }), "the second unkeyed registration was answered with the keyed one's entry");
    }

    [Test]
    public void TwoRegistrationsOfOneKey_AndOneWhoseKeyReadsLikeTheSecondsOrdinal_EachGetTheirOwnEntries()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        using var container = Build(prefix, builder =>
        {
            builder.RegisterInstance(new Region("shard")).Keyed<IRegionLookup>("shard").EnableCacheAside();
            builder.RegisterInstance(new Region("shard replica")).Keyed<IRegionLookup>("shard").EnableCacheAside();
            builder.RegisterInstance(new Region("shard#1")).Keyed<IRegionLookup>("shard#1").EnableCacheAside();
        });

        var shards = container.ResolveKeyed<IEnumerable<IRegionLookup>>("shard").Select(r => r.Describe(7)).ToList();
        var other = container.ResolveKeyed<IRegionLookup>("shard#1").Describe(7);

        Assert.That(shards, Is.EqualTo(new[] { "shard 7", "shard replica 7" }));
        Assert.That(other, Is.EqualTo("shard#1 7"), "the registration keyed \"shard#1\" was answered with the second \"shard\" registration's entry");
    }

    [Test]
    public void ServiceKeysWhoseTextsAgree_InTwoContainers_EachGetTheirOwnEntries()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        using var both = Build(prefix, builder =>
        {
            builder.RegisterInstance(new Region("eu")).Keyed<IRegionLookup>(new Tenant("eu")).EnableCacheAside();
            builder.RegisterInstance(new Region("us")).Keyed<IRegionLookup>(new Tenant("us")).EnableCacheAside();
        });
        using var usOnly = Build(prefix, builder => builder.RegisterInstance(new Region("us")).Keyed<IRegionLookup>(new Tenant("us")).EnableCacheAside());

        var eu = both.ResolveKeyed<IRegionLookup>(new Tenant("eu")).Describe(7);
        var us = usOnly.ResolveKeyed<IRegionLookup>(new Tenant("us")).Describe(7);

        Assert.That(eu, Is.EqualTo("eu 7"));
        Assert.That(us, Is.EqualTo("us 7"), "a registration keyed by another tenant whose text is the same was answered with its entry");
    }

    [Test]
    public void ServiceKeyToldApartOnlyByReference_FailsTheBuild_NamingTheRegistrationAndTheFix()
    {
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(o => o.KeyPrefix = $"test:{Guid.NewGuid():N}:");
        builder.RegisterInstance(new Region("eu")).Keyed<IRegionLookup>(new Shard()).EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build().Dispose());

        Assert.That(thrown!.Problems, Is.EqualTo(new[]
        {
            "Region: its service key of type Shard is a class whose instances are told apart by reference, which means nothing in another process, so the registration's default keys cannot carry it: key it with a string, a number, an enum or a record, or give each of its cached reads a template (only default keys carry service keys).",
        }));
    }

    [Test]
    public void TwoContainersBuiltAlike_ShareEachRegistrationsEntries()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        var eu = new Region("eu");
        void Register(ContainerBuilder builder)
        {
            builder.RegisterInstance(eu).Keyed<IRegionLookup>("eu").EnableCacheAside();
            builder.RegisterInstance(new Region("us")).Keyed<IRegionLookup>("us").EnableCacheAside();
        }

        using var first = Build(prefix, Register);
        using var second = Build(prefix, Register);

        first.ResolveKeyed<IRegionLookup>("eu").Describe(5);
        second.ResolveKeyed<IRegionLookup>("eu").Describe(5);

        Assert.That(eu.Calls, Is.EqualTo(1), "the second container hit the first one's entry");
    }

    [Test]
    public void OneOpenGenericClassRegisteredTwice_KeepsEachRegistrationsEntries_WhateverIsResolvedFirst()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        static void Register(ContainerBuilder builder)
        {
            builder.RegisterGeneric(typeof(GenericRegion<>)).WithParameter("name", "primary").As(typeof(IPrimaryLookup<>)).EnableCacheAside();
            builder.RegisterGeneric(typeof(GenericRegion<>)).WithParameter("name", "secondary").As(typeof(ISecondaryLookup<>)).EnableCacheAside();
        }

        using var first = Build(prefix, Register);
        using var second = Build(prefix, Register);

        var primary = first.Resolve<IPrimaryLookup<int>>().Describe(7);
        var secondary = second.Resolve<ISecondaryLookup<int>>().Describe(7);

        Assert.That(primary, Is.EqualTo("primary 7"));
        Assert.That(secondary, Is.EqualTo("secondary 7"), "a process that resolved the second registration first was answered with the first one's entry");
    }

    [Test]
    public void OneScannedOpenGenericClassRegisteredTwice_KeepsEachRegistrationsEntries_WhateverIsResolvedFirst()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        static void Register(ContainerBuilder builder)
        {
            var assembly = typeof(GenericRegion<>).Assembly;
            builder.RegisterAssemblyOpenGenericTypes(assembly).Where(t => t == typeof(GenericRegion<>))
                .WithParameter("name", "primary").As(_ => typeof(IPrimaryLookup<>)).EnableCacheAside();
            builder.RegisterAssemblyOpenGenericTypes(assembly).Where(t => t == typeof(GenericRegion<>))
                .WithParameter("name", "secondary").As(_ => typeof(ISecondaryLookup<>)).EnableCacheAside();
        }

        using var first = Build(prefix, Register);
        using var second = Build(prefix, Register);

        var primary = first.Resolve<IPrimaryLookup<int>>().Describe(7);
        var secondary = second.Resolve<ISecondaryLookup<int>>().Describe(7);

        Assert.That(primary, Is.EqualTo("primary 7"));
        Assert.That(secondary, Is.EqualTo("secondary 7"), "a process that resolved the second registration first was answered with the first one's entry");
    }

    [Test]
    public void ImplementationsOfOneNameFromTwoAssemblies_InTwoContainers_EachGetTheirOwnEntries()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        var twin = TwinAssemblies.Derived(typeof(Archive).FullName!, "ArchiveTwins", typeof(NamedRegion), "twin archive");
        using var ours = Build(prefix, builder => builder.RegisterType<Archive>().As<IRegionLookup>().EnableCacheAside());
        using var twins = Build(prefix, builder => builder.RegisterType(twin).As<IRegionLookup>().EnableCacheAside());

        var first = ours.Resolve<IRegionLookup>().Describe(3);
        var second = twins.Resolve<IRegionLookup>().Describe(3);

        Assert.That(first, Is.EqualTo("archive 3"));
        Assert.That(second, Is.EqualTo("twin archive 3"), "an implementation of the same name from another assembly was answered with this one's entry");
    }

    private static IContainer Build(string prefix, Action<ContainerBuilder> register)
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside(o =>
        {
            o.KeyPrefix = prefix;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        register(builder);
        return builder.Build();
    }
}

public interface IRegionLookup
{
    [Cached]
    string Describe(int id);
}

public sealed class Region(string name) : IRegionLookup
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public string Describe(int id)
    {
        Interlocked.Increment(ref _calls);
        return $"{name} {id}";
    }
}

/// <summary>A service key of value equality whose text says nothing about which tenant it is.</summary>
public sealed record Tenant(string Name)
{
    public override string ToString() => "tenant";
}

/// <summary>A service key that only its reference tells apart from another.</summary>
public sealed class Shard;

public sealed class Archive : IRegionLookup
{
    public string Describe(int id) => $"archive {id}";
}

/// <summary>A base for implementations made at run time, in assemblies of their own.</summary>
public abstract class NamedRegion(string name) : IRegionLookup
{
    public string Describe(int id) => $"{name} {id}";
}

public interface IGenericLookup<T>
{
    [Cached]
    string Describe(int id);
}

public interface IPrimaryLookup<T> : IGenericLookup<T>;

public interface ISecondaryLookup<T> : IGenericLookup<T>;

public sealed class GenericRegion<T>(string name) : IPrimaryLookup<T>, ISecondaryLookup<T>
{
    public string Describe(int id) => $"{name} {id}";
}
