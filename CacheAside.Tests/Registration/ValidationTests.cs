using System.Reflection;
using Autofac;
using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;
using StackExchange.Redis;

namespace CacheAside.Tests.Registration;

/// <summary>
/// Every registration mistake is found when the container is built, and its message names the method and
/// says what to change. The messages are pinned: they are part of the product.
/// </summary>
public sealed class ValidationTests
{
    private static IEnumerable<TestCaseData> Mistakes()
    {
        yield return Case<IVoidCached>("IVoidCached.Refresh(): [Cached] needs a result to store, but the method returns void: return T, Task<T> or ValueTask<T>, or remove [Cached].");
        yield return Case<ITaskCached>("ITaskCached.RefreshAsync(): [Cached] needs a result to store, but the method returns Task: return T, Task<T> or ValueTask<T>, or remove [Cached].");
        yield return Case<IValueTaskCached>("IValueTaskCached.RefreshAsync(): [Cached] needs a result to store, but the method returns ValueTask: return T, Task<T> or ValueTask<T>, or remove [Cached].");
        yield return Case<IOutParameterCached>("IOutParameterCached.TryGet(int, out string): [Cached] cannot cache a method with the out parameter 'value': a hit would not set it; pass it by value, or remove [Cached].");
        yield return Case<IRefParameterCached>("IRefParameterCached.Get(int, ref int): [Cached] cannot cache a method with the ref parameter 'version': a hit would not set it; pass it by value, or remove [Cached].");
        yield return Case<IInParameterCached>("IInParameterCached.Get(in int): [Cached] cannot cache a method with the in parameter 'id': a hit would not set it; pass it by value, or remove [Cached].");
        yield return Case<IInvalidatesUnknownProperty>("IInvalidatesUnknownProperty.Update(Product): [Invalidates] key template \"product:{product.Code}\" names {product.Code}, but Product has no public property 'Code' (the properties of Product are Id, Name, Price): fix the property path.");
        yield return Case<IUnknownPlaceholder>("IUnknownPlaceholder.Get(int): [Cached] key template \"product:{productId}\" names {productId}, but the method has no parameter 'productId' (its parameters are id): name one of them.");
        yield return Case<IUnknownProperty>("IUnknownProperty.Get(OrderQuery): [Cached] key template \"orders:{query.Customer}\" names {query.Customer}, but OrderQuery has no public property 'Customer' (the properties of OrderQuery are CustomerId, Region): fix the property path.");
        yield return Case<INonPositiveTtl>("INonPositiveTtl.Get(): [Cached] has TtlSeconds = 0: set a positive number of seconds, or leave it unset for CacheAsideOptions.DefaultTtl (00:05:00).");
        yield return Case<ITtlLongerThanAnEntryMayLive>("ITtlLongerThanAnEntryMayLive.Get(): [Cached] has TtlSeconds = 900000000000, longer than an entry may live (315360000 seconds, 3650 days): set at most that, or leave it unset for CacheAsideOptions.DefaultTtl (00:05:00).");
        yield return Case<INullTtlLongerThanAnEntryMayLive>("INullTtlLongerThanAnEntryMayLive.Get(): [Cached] has NullTtlSeconds = 400000000, longer than an entry may live (315360000 seconds, 3650 days): set at most that, or leave it unset to not cache null results.");
        yield return Case<INegativeNullTtl>("INegativeNullTtl.Get(): [Cached] has NullTtlSeconds = -1: set a positive number of seconds, or leave it unset to not cache null results.");
        yield return Case<INullTtlOnValueType>("INullTtlOnValueType.Get(): [Cached] sets NullTtlSeconds, but the method's result int is never null: remove NullTtlSeconds.");
        yield return Case<IStaticCached>("IStaticCached.Describe(int): [Cached] is on a static method, which is called on the interface itself and never reaches the proxy: make it an instance method, or remove [Cached].");
        yield return Case<IStaticInvalidates>("IStaticInvalidates.Forget(int): [Invalidates] is on a static method, which is called on the interface itself and never reaches the proxy: make it an instance method, or remove [Invalidates].");
        yield return Case<IConflictingAttributes>("IConflictingAttributes.Get(): has both [Cached] and [Invalidates]: a method either reads through the cache or invalidates it after a write; remove one of them.");
        yield return Case<IAdjacentPlaceholders>("IAdjacentPlaceholders.Get(string, string): [Cached] key template \"pair:{a}{b}\" puts {a} and {b} together without a ':' between them, so different values could render the same key (\"1\"+\"23\" and \"12\"+\"3\"): put a ':' between them.");
        yield return Case<IGenericWithoutTypeParameter>("IGenericWithoutTypeParameter.Get<T>(string): [Cached] key template \"document:{id}\" does not name the type parameter T, so calls with different T would share a key: add {T} to the template.");
        yield return Case<ICancellationTokenInKey>("ICancellationTokenInKey.GetAsync(CancellationToken): [Cached] key template \"answer:{cancellationToken}\" names the CancellationToken 'cancellationToken', which is never part of a key: remove {cancellationToken}.");
        yield return Case<ISameShapeDifferentTypes>("ISameShapeDifferentTypes.Name(int) (\"item:{id}\") and ISameShapeDifferentTypes.Age(int) (\"item:{id}\") have keys of the same shape \"item:{}\" but different result types, so their entries would overwrite each other: change the literal text of one template.");
        yield return Case<ISamePlaceholdersOfDifferentTypes>("ISamePlaceholdersOfDifferentTypes.ById(int) (\"product:{id}\": int) and ISamePlaceholdersOfDifferentTypes.ByCode(string) (\"product:{code}\": string) have keys of the same shape \"product:{}\" but placeholders of different types, so calls with different arguments that read alike (1 and \"1\") would share an entry: change the literal text of one template.");
        yield return Case<IInvalidatesThroughAnObject>("IInvalidatesThroughAnObject.Forget(object) [Invalidates(\"product:{id}\")] and IInvalidatesThroughAnObject.Get(int) [Cached(\"product:{id}\")] have keys of the same shape \"product:{}\", but their placeholders are declared object and int: a value whose declared type does not fix its type renders with it ((System.Int32)5, not 5), so the invalidation never deletes what the read stores: declare the placeholders of the invalidation with the read's types.");
        yield return Case<ILiteralMeetsAString>("ILiteralMeetsAString.GetBySku(string) (\"product:{sku}\") and ILiteralMeetsAString.GetFeatured() (\"product:featured\") can render the same key, product:featured, so a call of one would be answered with what the other stored: change the literal text of one template.");
        yield return Case<ILiteralMeetsANumber>("ILiteralMeetsANumber.Page(int) (\"page:{number}\") and ILiteralMeetsANumber.FirstPageSize() (\"page:1\") can render the same key, page:1, so a call of one would be answered with what the other stored: change the literal text of one template.");
        yield return Case<ILiteralMeetsAnArray>("ILiteralMeetsAnArray.Items(int[]) (\"items:{ids}\") and ILiteralMeetsAnArray.Lucky() (\"items:[7]\") can render the same key, items:[7], so a call of one would be answered with what the other stored: change the literal text of one template.");
        yield return Case<IObjectResult>("IObjectResult.Get(): [Cached] cannot store the result: its result type contains object, which is read back from JSON as a JsonElement rather than the value that was stored: return a concrete type, or remove [Cached].");
        yield return Case<IInterfaceResult>("IInterfaceResult.Get(int): [Cached] cannot store the result: its result type contains IShape, which cannot be read back from JSON as the object that was stored: return a concrete type, or declare its implementations with [JsonDerivedType], or remove [Cached].");
        yield return Case<IExpressionArgument>("IExpressionArgument.Find(Expression<Func<Product, bool>>): [Cached] builds its default key from every argument, but parameter 'filter' cannot be part of a key: Expression<Func<Product, bool>> is an expression tree, whose code and captured values a key cannot compare. Mark the parameter [CacheKeyIgnore] if the result does not depend on it; otherwise give [Cached] a key template that names what the result depends on.");
        yield return Case<IDelegateInTemplate>("IDelegateInTemplate.Find(Func<int, bool>): [Cached] key template \"find:{filter}\" names {filter}, which cannot be part of a key: Func<int, bool> is a delegate, whose code and captured variables a key cannot compare. Name a property of it that identifies the call instead, or remove the placeholder.");
        yield return Case<IDelegateInAField>("IDelegateInAField.Find(FilteredQuery): [Cached] builds its default key from every argument, but parameter 'query' cannot be part of a key: query.Filter is a Func<Product, bool>, a delegate, whose code and captured variables a key cannot compare. Mark the parameter [CacheKeyIgnore] if the result does not depend on it; otherwise give [Cached] a key template that names what the result depends on.");
        yield return Case<IStreamArgument>("IStreamArgument.Hash(Stream): [Cached] builds its default key from every argument, but parameter 'content' cannot be part of a key: Stream is a stream, which a key could only read by consuming it. Mark the parameter [CacheKeyIgnore] if the result does not depend on it; otherwise give [Cached] a key template that names what the result depends on.");
        yield return Case<ITaskArgument>("ITaskArgument.Forget(Task<int>): [Invalidates] key template \"pending:{pending}\" names {pending}, which cannot be part of a key: Task<int> is a task, whose result is not known when the key is made. Name a property of it that identifies the call instead, or remove the placeholder.");
        yield return Case<IAsyncStreamArgument>("IAsyncStreamArgument.Count(IAsyncEnumerable<int>): [Cached] builds its default key from every argument, but parameter 'values' cannot be part of a key: IAsyncEnumerable<int> is an asynchronous sequence, which a key could only read by consuming it. Mark the parameter [CacheKeyIgnore] if the result does not depend on it; otherwise give [Cached] a key template that names what the result depends on.");
        yield return Case<INamedObjectsArgument>("INamedObjectsArgument.Find(NamedObjectCollection): [Cached] builds its default key from every argument, but parameter 'values' cannot be part of a key: NamedObjectCollection is a NameObjectCollectionBase other than a NameValueCollection, whose values a key cannot read (it enumerates only their names). Mark the parameter [CacheKeyIgnore] if the result does not depend on it; otherwise give [Cached] a key template that names what the result depends on.");
        yield return Case<IIgnoredParameterInTemplate>("IIgnoredParameterInTemplate.Find(string): [Cached] key template \"find:{term}\" names {term}, but parameter 'term' is marked [CacheKeyIgnore]: remove the placeholder, or the attribute.");
        yield return Case<IKeyedBy<int>>("IKeyedBy<int>.Get(int): [Cached] key template \"get:{id}\" does not name the type parameter TKey of IKeyedBy<TKey>, so calls through IKeyedBy<TKey> with different TKey would share a key: add {TKey} to the template.");
        yield return Case<INegativeEarlyRefreshBeta>("INegativeEarlyRefreshBeta.Get(): [Cached] has EarlyRefreshBeta = -1: set it between 0 (no early refresh) and 100, or leave it unset for CacheAsideOptions.EarlyRefreshBeta (1).");
        yield return Case<INegativeFailSafe>("INegativeFailSafe.Get(): [Cached] has FailSafeSeconds = -5: set it between 0 (fail-safe off) and 31536000 (365 days), or leave it unset for CacheAsideOptions.FailSafeWindow (00:00:00).");
        yield return Case<ISoftTimeoutWithoutFailSafe>("ISoftTimeoutWithoutFailSafe.Get(): [Cached] sets SoftTimeoutSeconds, but fail-safe is off for the method, so there is no fallback to answer with: set FailSafeSeconds (or CacheAsideOptions.FailSafeWindow), or remove SoftTimeoutSeconds.");
        yield return Case<INonPositiveSoftTimeout>("INonPositiveSoftTimeout.Get(): [Cached] has SoftTimeoutSeconds = 0: set a positive number of seconds of at most 86400, or leave it unset for CacheAsideOptions.SourceSoftTimeout.");
        yield return Case<ISwappedTypeArguments>("ISwappedTypeArguments.Get<TFirst, TSecond>(int) (\"pair:{TFirst}:{TSecond}:{id}\") and ISwappedTypeArguments.GetAsync<TFirst, TSecond>(int) (\"pair:{TSecond}:{TFirst}:{id}\") have keys of the same shape \"pair:{}:{}:{}\" but different result types, so their entries would overwrite each other: change the literal text of one template.");
        yield return Case<IUnclosedPlaceholder>("IUnclosedPlaceholder.Get(int): [Cached] key template \"product:{id\" has a '{' that is never closed: close the placeholder with '}', or write '{{' for a literal brace.");
    }

    [TestCaseSource(nameof(Mistakes))]
    public void Mistake_IsReportedWhenTheContainerIsBuilt_WithItsExactMessage(Type service, string expected)
    {
        var problems = BuildExpectingProblems(builder => RegisterProxyFor(builder, service));

        Assert.That(problems, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void ClassService_IsRejected()
    {
        var problems = BuildExpectingProblems(builder =>
            builder.RegisterType<ProductStore>().AsSelf().As<IProductRepository>().EnableCacheAside());

        Assert.That(problems, Is.EqualTo(new[]
        {
            "ProductStore: EnableCacheAside() can only put a proxy in front of interfaces, but the registration also exposes the class ProductStore: expose only interfaces such as .As<IProductRepository>(), without .AsSelf() or .As<ProductStore>().",
        }));
    }

    private static IEnumerable<TestCaseData> AttributesOnTheClass()
    {
        yield return new TestCaseData(new Action<ContainerBuilder>(b => b.RegisterType<AttributedOnTheClass>().As<IAttributedOnTheClass>().EnableCacheAside())).SetArgDisplayNames("RegisterType");
        yield return new TestCaseData(new Action<ContainerBuilder>(b => b.RegisterInstance(new AttributedOnTheClass()).As<IAttributedOnTheClass>().EnableCacheAside())).SetArgDisplayNames("RegisterInstance");
    }

    [TestCaseSource(nameof(AttributesOnTheClass))]
    public void CacheAttributesOnTheClass_AreReported_WithTheInterfaceMethodToMoveThemTo(Action<ContainerBuilder> register)
    {
        var problems = BuildExpectingProblems(register);

        Assert.That(problems, Is.EqualTo(new[]
        {
            "AttributedOnTheClass.Get(int): [Cached] is on the class, but the proxy reads cache attributes from the interface methods it implements, so it would be ignored: move it to IAttributedOnTheClass.Get(int).",
            "AttributedOnTheClass.Save(int): [Invalidates] is on the class, but the proxy reads cache attributes from the interface methods it implements, so it would be ignored: move it to IAttributedOnTheClass.Save(int).",
            "AttributedOnTheClass.Helper(int): [Cached] is on the class, but the proxy reads cache attributes from the interface methods it implements, so it would be ignored: declare the method on an interface the registration exposes and put [Cached] there, or remove it.",
        }));
    }

    [Test]
    public void CacheAttributeOnAnOpenGenericClass_IsReported()
    {
        var problems = BuildExpectingProblems(b => b.RegisterGeneric(typeof(AttributedOnTheGenericClass<>)).As(typeof(IAttributedOnTheGenericClass<>)).EnableCacheAside());

        Assert.That(problems, Is.EqualTo(new[]
        {
            "AttributedOnTheGenericClass<T>.Get(int): [Cached] is on the class, but the proxy reads cache attributes from the interface methods it implements, so it would be ignored: move it to IAttributedOnTheGenericClass<T>.Get(int).",
        }));
    }

    [Test]
    public void CacheAttributeMistakeOnAnInterfaceOfAScannedOpenGeneric_IsReported()
    {
        var problems = BuildExpectingProblems(b => b.RegisterAssemblyOpenGenericTypes(typeof(KeyedBy<>).Assembly)
            .Where(t => t == typeof(KeyedBy<>))
            .AsImplementedInterfaces()
            .EnableCacheAside());

        Assert.That(problems, Is.EqualTo(new[]
        {
            "IKeyedBy<TKey>.Get(TKey): [Cached] key template \"get:{id}\" does not name the type parameter TKey of IKeyedBy<TKey>, so calls through IKeyedBy<TKey> with different TKey would share a key: add {TKey} to the template.",
        }));
    }

    [Test]
    public void CacheAttributeOnAScannedOpenGenericClass_IsReported()
    {
        var problems = BuildExpectingProblems(b => b.RegisterAssemblyOpenGenericTypes(typeof(AttributedOnTheGenericClass<>).Assembly)
            .Where(t => t == typeof(AttributedOnTheGenericClass<>))
            .AsImplementedInterfaces()
            .EnableCacheAside());

        Assert.That(problems, Is.EqualTo(new[]
        {
            "AttributedOnTheGenericClass<T>.Get(int): [Cached] is on the class, but the proxy reads cache attributes from the interface methods it implements, so it would be ignored: move it to IAttributedOnTheGenericClass<T>.Get(int).",
        }));
    }

    [Test]
    public void GeneratedProxyInstance_WhoseMethodsCarryTheInterfacesAttributes_Builds()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        builder.RegisterInstance(StandIn.For<IProductRepository>()).As<IProductRepository>().EnableCacheAside();

        using var container = builder.Build();

        Assert.That(container.Resolve<IProductRepository>(), Is.Not.Null);
    }

    [Test]
    public void Invalidation_WhosePlaceholdersRenderAsTheReadsDo_Builds()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        RegisterProxyFor(builder, typeof(IInvalidatesAlike));

        using var container = builder.Build();

        Assert.That(container.Resolve<IInvalidatesAlike>(), Is.Not.Null);
    }

    [Test]
    public void TemplatesWhoseLiteralsNoValueRenders_Build()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        RegisterProxyFor(builder, typeof(ILiteralsApartFromValues));

        using var container = builder.Build();

        Assert.That(container.Resolve<ILiteralsApartFromValues>(), Is.Not.Null);
    }

    [Test]
    public void GenericVariantsSharingATemplate_Build()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        RegisterProxyFor(builder, typeof(IGenericVariants));

        using var container = builder.Build();

        Assert.That(container.Resolve<IGenericVariants>(), Is.Not.Null);
    }

    [Test]
    public void OpenGenericInterfacesSharingATemplate_Build()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside();
        builder.RegisterGeneric(typeof(OpenItems<>)).As(typeof(IOpenItems<>)).As(typeof(IOtherOpenItems<>)).EnableCacheAside();

        using var container = builder.Build();

        Assert.That(container.Resolve<IOtherOpenItems<Product>>(), Is.Not.Null);
    }

    [Test]
    public void LiteralThatTheTypeArgumentOfOneClosingRenders_IsReported()
    {
        var problems = BuildExpectingProblems(builder =>
        {
            builder.Register(_ => StandIn.For<IItemsOf<int>>()).As<IItemsOf<int>>().EnableCacheAside();
            builder.Register(_ => StandIn.For<IItemsOf<long>>()).As<IItemsOf<long>>().EnableCacheAside();
            builder.Register(_ => StandIn.For<IFeaturedItem>()).As<IFeaturedItem>().EnableCacheAside();
        });

        Assert.That(problems, Is.EqualTo(new[]
        {
            "IItemsOf<long>.Get(int) (\"item:{T}:{id}\") and IFeaturedItem.Get() (\"item:System.Int64:7\") can render the same key, item:System.Int64:7, so a call of one would be answered with what the other stored: change the literal text of one template.",
        }));
    }

    [Test]
    public void LiteralThatAnotherRegistrationsValueRenders_IsReported()
    {
        var problems = BuildExpectingProblems(builder =>
        {
            builder.Register(_ => StandIn.For<IProductRepository>()).As<IProductRepository>().EnableCacheAside();
            builder.Register(_ => StandIn.For<IFeaturedProduct>()).As<IFeaturedProduct>().EnableCacheAside();
        });

        Assert.That(problems, Has.Some.StartWith("IProductRepository.GetById(int) (\"product:{id}\") and IFeaturedProduct.Get() (\"product:7\") can render the same key, product:7,"));
    }

    [Test]
    public void InternalInterface_IsRejected_WithTheWayToMakeItProxyable()
    {
        var problems = BuildExpectingProblems(builder =>
            builder.RegisterType<InternalRepository>().As<IInternalRepository>().EnableCacheAside());

        Assert.That(problems, Is.EqualTo(new[]
        {
            "InternalRepository: the interface IInternalRepository is not public, so Castle DynamicProxy cannot implement it: make it public, or add [assembly: InternalsVisibleTo(\"DynamicProxyGenAssembly2\")] to its assembly.",
        }));
    }

    [TestCase("DefaultTtl", "CacheAsideOptions.DefaultTtl is 00:00:00: set it to a positive time span.")]
    [TestCase("DefaultTtlLongerThanAnEntryMayLive", "CacheAsideOptions.DefaultTtl is 10675199.02:48:05.4775807, longer than an entry may live (3650.00:00:00): set it to at most that.")]
    [TestCase("TtlJitter", "CacheAsideOptions.TtlJitter is 2: set it between 0 (no jitter) and 1 (up to double the TTL).")]
    [TestCase("MaxKeyLength", "CacheAsideOptions.MaxKeyLength is 10: set it to at least 82 (the prefix's 14 characters, 32 of the key and 36 for the hash that ends a longer key), or shorten KeyPrefix.")]
    [TestCase("KeyPrefix", "CacheAsideOptions.KeyPrefix is null: set it to a prefix such as \"cacheaside:v1:\" (an empty string is allowed).")]
    [TestCase("KeyPrefixWithABrace", "CacheAsideOptions.KeyPrefix is \"app:{v1}:\", which contains a brace: keys are written prefix{key} so that Redis Cluster keeps the keys of an entry in one slot, and a brace in the prefix would move that hash tag; remove '{' and '}' from the prefix.")]
    [TestCase("KeyPrefixLongerThanMaxKeyLengthAllows", "CacheAsideOptions.MaxKeyLength is 150: set it to at least 169 (the prefix's 101 characters, 32 of the key and 36 for the hash that ends a longer key), or shorten KeyPrefix.")]
    [TestCase("Database", "CacheAsideOptions.Database is -2: set it to -1 (the connection's default) or a database number.")]
    [TestCase("TimeProvider", "CacheAsideOptions.TimeProvider is null: leave it at TimeProvider.System or set a clock.")]
    [TestCase("RedisConfiguration", "CacheAsideOptions.RedisConfiguration is null: set it to a StackExchange.Redis configuration string such as \"localhost:6379\", or register an IConnectionMultiplexer.")]
    [TestCase("RedisTimeout", "CacheAsideOptions.RedisTimeout is 00:00:00: set it to a positive time span, such as the default of 50 ms for Redis on the same network.")]
    [TestCase("CircuitBreakerFailureRatio", "CacheAsideOptions.CircuitBreakerFailureRatio is 0: set it above 0 and at most 1 (0.5 opens the breaker when half the Redis commands fail).")]
    [TestCase("CircuitBreakerMinimumThroughput", "CacheAsideOptions.CircuitBreakerMinimumThroughput is 1: set it to at least 2.")]
    [TestCase("CircuitBreakerSamplingDuration", "CacheAsideOptions.CircuitBreakerSamplingDuration is 00:00:00.1000000: set it between 0.5 seconds and 1 day.")]
    [TestCase("CircuitBreakerBreakDuration", "CacheAsideOptions.CircuitBreakerBreakDuration is 2.00:00:00: set it between 0.5 seconds and 1 day.")]
    [TestCase("EarlyRefreshBeta", "CacheAsideOptions.EarlyRefreshBeta is 101: set it between 0 (no early refresh) and 100 (the default of 1 is the XFetch paper's).")]
    [TestCase("FailSafeWindow", "CacheAsideOptions.FailSafeWindow is -00:00:01: set it between zero (fail-safe off) and 365 days.")]
    [TestCase("FailSafeThrottle", "CacheAsideOptions.FailSafeThrottle is 00:00:00: set it between 1 millisecond and 1 day.")]
    [TestCase("SourceSoftTimeout", "CacheAsideOptions.SourceSoftTimeout is 00:00:00: set it to a positive time span of at most 1 day, or to Timeout.InfiniteTimeSpan for none.")]
    public void InvalidOption_IsReportedWhenTheContainerIsBuilt(string option, string expected)
    {
        Action<CacheAsideOptions> configure = option switch
        {
            "DefaultTtl" => o => o.DefaultTtl = TimeSpan.Zero,
            "DefaultTtlLongerThanAnEntryMayLive" => EndlessTtlWithJitter,
            "TtlJitter" => o => o.TtlJitter = 2,
            "MaxKeyLength" => o => o.MaxKeyLength = 10,
            "KeyPrefixWithABrace" => o => o.KeyPrefix = "app:{v1}:",
            "KeyPrefixLongerThanMaxKeyLengthAllows" => LongPrefixForItsMaxKeyLength,
            "Database" => o => o.Database = -2,
            "TimeProvider" => o => o.TimeProvider = null!,
            "RedisConfiguration" => o => o.RedisConfiguration = null!,
            "RedisTimeout" => o => o.RedisTimeout = TimeSpan.Zero,
            "CircuitBreakerFailureRatio" => o => o.CircuitBreakerFailureRatio = 0,
            "CircuitBreakerMinimumThroughput" => o => o.CircuitBreakerMinimumThroughput = 1,
            "CircuitBreakerSamplingDuration" => o => o.CircuitBreakerSamplingDuration = TimeSpan.FromMilliseconds(100),
            "CircuitBreakerBreakDuration" => o => o.CircuitBreakerBreakDuration = TimeSpan.FromDays(2),
            "EarlyRefreshBeta" => o => o.EarlyRefreshBeta = 101,
            "FailSafeWindow" => o => o.FailSafeWindow = TimeSpan.FromSeconds(-1),
            "FailSafeThrottle" => o => o.FailSafeThrottle = TimeSpan.Zero,
            "SourceSoftTimeout" => o => o.SourceSoftTimeout = TimeSpan.Zero,
            _ => o => o.KeyPrefix = null!,
        };

        var problems = BuildExpectingProblems(builder => RegisterProxyFor(builder, typeof(IProductRepository)), configure);

        Assert.That(problems, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void DatabaseTheServerDoesNotHave_FailsTheBuildWithTheFix()
    {
        using var server = RedisServer.Start("--databases", "4");
        using var connection = ConnectionMultiplexer.Connect(server.Endpoint);
        var builder = new ContainerBuilder();
        builder.RegisterInstance(connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside(o =>
        {
            o.Database = 4;
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        });
        builder.RegisterInstance(new ProductStore()).As<IProductRepository>().EnableCacheAside();

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build().Dispose());

        Assert.That(thrown!.Problems.Single(), Does.StartWith("CacheAsideOptions.Database is 4, but Redis at ").And.EndWith(" has no database 4: set Database to one it has (below its databases setting, 16 unless configured), or to -1 (the connection's default)."));
    }

    [Test]
    public void UnparsableConfigurationString_IsReportedWithoutThePassword()
    {
        var builder = new ContainerBuilder();
        builder.RegisterCacheAside(o => o.RedisConfiguration = "localhost:6379,password=hunter2,syncTimeout=soon");

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Message, Does.StartWith("CacheAside is not configured correctly: CacheAsideOptions.RedisConfiguration cannot be parsed"));
        Assert.That(thrown.Message, Does.Not.Contain("hunter2"));
    }

    [Test]
    public void SeveralMistakes_AreAllListedInOneException()
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside(o => o.DefaultTtl = TimeSpan.FromSeconds(-1));
        RegisterProxyFor(builder, typeof(IVoidCached));
        RegisterProxyFor(builder, typeof(IUnknownPlaceholder));

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        Assert.That(thrown!.Message, Is.EqualTo(string.Join(Environment.NewLine,
            "CacheAside found 3 configuration problems:",
            "  - CacheAsideOptions.DefaultTtl is -00:00:01: set it to a positive time span.",
            "  - IVoidCached.Refresh(): [Cached] needs a result to store, but the method returns void: return T, Task<T> or ValueTask<T>, or remove [Cached].",
            "  - IUnknownPlaceholder.Get(int): [Cached] key template \"product:{productId}\" names {productId}, but the method has no parameter 'productId' (its parameters are id): name one of them.")));
    }

    [Test]
    public void ValidRegistration_Builds()
    {
        using var harness = CacheAsideHarness<IProductRepository>.Create(new ProductStore());

        Assert.That(harness.Service, Is.Not.Null);
    }

    private static void LongPrefixForItsMaxKeyLength(CacheAsideOptions options)
    {
        options.KeyPrefix = new string('p', 100) + ":";
        options.MaxKeyLength = 150;
    }

    /// <summary>An entry meant to live until invalidated, with the jitter that made its lifetime overflow.</summary>
    private static void EndlessTtlWithJitter(CacheAsideOptions options)
    {
        options.DefaultTtl = TimeSpan.MaxValue;
        options.TtlJitter = 0.1;
    }

    private static TestCaseData Case<TService>(string expected) =>
        new TestCaseData(typeof(TService), expected).SetArgDisplayNames(typeof(TService).Name);

    private static IReadOnlyList<string> BuildExpectingProblems(Action<ContainerBuilder> register, Action<CacheAsideOptions>? configure = null)
    {
        var builder = new ContainerBuilder();
        builder.RegisterInstance(SharedRedis.Connection).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside(configure);
        register(builder);

        var thrown = Assert.Throws<CacheAsideConfigurationException>(() => builder.Build());

        return thrown!.Problems;
    }

    /// <summary>Registers a proxy-generated stand-in implementation of <paramref name="service"/> with EnableCacheAside.</summary>
    private static void RegisterProxyFor(ContainerBuilder builder, Type service)
    {
        var register = typeof(ValidationTests).GetMethod(nameof(RegisterStandIn), BindingFlags.NonPublic | BindingFlags.Static)!;
        register.MakeGenericMethod(service).Invoke(null, [builder]);
    }

    private static void RegisterStandIn<TService>(ContainerBuilder builder)
        where TService : class =>
        builder.Register(_ => StandIn.For<TService>()).As<TService>().EnableCacheAside();
}
