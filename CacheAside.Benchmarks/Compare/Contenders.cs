using System.Diagnostics;
using System.Text.Json;
using Autofac;
using CacheAside.Interception;
using Castle.DynamicProxy;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace CacheAside.Benchmarks.Compare;

/// <summary>One way of reading a cached quote through Redis, measured against the others on the same Redis.</summary>
internal abstract class Contender : IDisposable
{
    public abstract string Name { get; }

    /// <summary>Gets whether a read blocks its thread (a synchronous method).</summary>
    public virtual bool IsSynchronous => false;

    /// <summary>Gets what the contender can tell about its own work, for <c>--soak</c>; empty when nothing.</summary>
    public virtual string Notes => string.Empty;

    /// <summary>Reads quote <paramref name="id"/>; after warming, always a hit.</summary>
    public abstract ValueTask ReadAsync(int id);

    public virtual void Dispose()
    {
    }

    /// <summary>
    /// The hand-written pattern with 5 µs of busy work just after the <c>GET</c> is sent, and just before: what
    /// the machine's thread and CPU wake-ups, not the code, do to sequential latency (<c>--calibrate</c>).
    /// </summary>
    public static List<Contender> Calibration(IConnectionMultiplexer connection) =>
    [
        new HandWrittenBusyAroundSend(connection, afterSend: true),
        new HandWrittenBusyAroundSend(connection, afterSend: false),
    ];

    /// <summary>Builds every contender, each with keys of its own, sharing one multiplexer.</summary>
    public static List<Contender> All(IConnectionMultiplexer connection) =>
    [
        new RawGet(connection),
        new HandWritten(connection),
        new HandWrittenInAProxy(connection),
        new HandWrittenAgain(connection),
        new HandWrittenSync(connection),
        new CacheAsideContender(connection, sync: false),
        new CacheAsideContender(connection, sync: false, coalesce: false),
        new CacheAsideContender(connection, sync: false, reuse: false),
        new CacheAsideContender(connection, sync: true),
        new FusionCacheContender(connection),
        new HybridCacheContender(connection),
    ];

    /// <summary>A bare <c>StringGetAsync</c>, nothing decoded: the floor.</summary>
    private sealed class RawGet(IConnectionMultiplexer connection) : Contender
    {
        public override string Name => "raw GET (no decode)";

        public override async ValueTask ReadAsync(int id)
        {
            var database = connection.GetDatabase();
            var key = "raw:q:" + id;
            if ((await database.StringGetAsync(key)).IsNull)
            {
                await database.StringSetAsync(key, JsonSerializer.Serialize(Quote.For(id)), TimeSpan.FromHours(1));
            }
        }
    }

    /// <summary>The seed's pattern written by hand: GET, deserialise the string; on a miss load and SET.</summary>
    private sealed class HandWritten(IConnectionMultiplexer connection) : Contender
    {
        public override string Name => "hand-written (StringGetAsync + System.Text.Json)";

        public override async ValueTask ReadAsync(int id) => await Read(connection, "hand:q:" + id, id);

        public static Task<Quote> Read(IConnectionMultiplexer connection, string key, int id)
        {
            var database = connection.GetDatabase();
            return Received(database, database.StringGetAsync(key), key, id);
        }

        /// <summary>The pattern once its <c>GET</c> was sent: a hit deserialises the string; a miss loads and <c>SET</c>s.</summary>
        public static async Task<Quote> Received(IDatabase database, Task<RedisValue> sent, string key, int id)
        {
            var cached = await sent;
            if (!cached.IsNull)
            {
                return JsonSerializer.Deserialize<Quote>((string)cached!)!;
            }

            var quote = Quote.For(id);
            await database.StringSetAsync(key, JsonSerializer.Serialize(quote), TimeSpan.FromHours(1));
            return quote;
        }
    }

    /// <summary>The hand-written pattern once more, on keys of its own: how far apart two identical contenders measure.</summary>
    private sealed class HandWrittenAgain(IConnectionMultiplexer connection) : Contender
    {
        public override string Name => "hand-written again (the measurement's noise)";

        public override async ValueTask ReadAsync(int id) => await HandWritten.Read(connection, "hcopy:q:" + id, id);
    }

    /// <summary>The hand-written pattern, keeping its thread busy for 5 µs right after sending the <c>GET</c>, or right before.</summary>
    private sealed class HandWrittenBusyAroundSend(IConnectionMultiplexer connection, bool afterSend) : Contender
    {
        public override string Name => afterSend ? "hand-written, 5 µs busy after sending (calibration)" : "hand-written, 5 µs busy before sending (calibration)";

        public override async ValueTask ReadAsync(int id)
        {
            var database = connection.GetDatabase();
            var key = "busy:q:" + id;
            if (!afterSend)
            {
                Busy();
            }

            var sent = database.StringGetAsync(key);
            if (afterSend)
            {
                Busy();
            }

            await HandWritten.Received(database, sent, key, id);
        }

        private static void Busy()
        {
            var until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 200_000);
            while (Stopwatch.GetTimestamp() < until)
            {
            }
        }
    }

    /// <summary>The seed's pattern in a synchronous method: <c>StringGet</c>, which blocks the calling thread.</summary>
    private sealed class HandWrittenSync(IConnectionMultiplexer connection) : Contender
    {
        public override string Name => "hand-written, sync method (StringGet + System.Text.Json)";

        public override bool IsSynchronous => true;

        public override ValueTask ReadAsync(int id)
        {
            var database = connection.GetDatabase();
            var key = "hsync:q:" + id;
            var cached = database.StringGet(key);
            if (cached.IsNull)
            {
                database.StringSet(key, JsonSerializer.Serialize(Quote.For(id)), TimeSpan.FromHours(1));
            }
            else
            {
                JsonSerializer.Deserialize<Quote>((string)cached!);
            }

            return default;
        }
    }

    /// <summary>The same pattern inside a Castle proxy, as someone building an interceptor by hand would.</summary>
    private sealed class HandWrittenInAProxy : Contender
    {
        private readonly IQuoteRepository _proxy;

        public HandWrittenInAProxy(IConnectionMultiplexer connection)
        {
            _proxy = new ProxyGenerator().CreateInterfaceProxyWithTarget<IQuoteRepository>(new QuoteSource(), new Interceptor(connection));
        }

        public override string Name => "hand-written in a Castle proxy";

        public override async ValueTask ReadAsync(int id) => await _proxy.GetAsync(id);

        private sealed class Interceptor(IConnectionMultiplexer connection) : IInterceptor
        {
            public void Intercept(IInvocation invocation)
            {
                var id = (int)invocation.Arguments[0]!;
                invocation.ReturnValue = HandWritten.Read(connection, "proxy:q:" + id, id);
            }
        }
    }

    private sealed class CacheAsideContender : Contender
    {
        private readonly IContainer _container;
        private readonly IQuoteRepository _quotes;
        private readonly bool _sync;
        private readonly bool _coalesce;
        private readonly bool _reuse;

        public CacheAsideContender(IConnectionMultiplexer connection, bool sync, bool coalesce = true, bool reuse = true)
        {
            _sync = sync;
            _coalesce = coalesce;
            _reuse = reuse;
            var builder = new ContainerBuilder();
            builder.RegisterInstance(connection).As<IConnectionMultiplexer>().ExternallyOwned();
            builder.RegisterCacheAside(o =>
            {
                o.KeyPrefix = sync ? "cas:" : !reuse ? "car:" : coalesce ? "caa:" : "can:";
                o.CoalesceReadsAbove = coalesce ? o.CoalesceReadsAbove : 0;
                o.ReuseImmutableResults = reuse;
            });
            builder.RegisterType<QuoteSource>().As<IQuoteRepository>().SingleInstance().EnableCacheAside();
            _container = builder.Build();
            _quotes = _container.Resolve<IQuoteRepository>();
        }

        public override string Name => _sync ? "CacheAside, sync method"
            : !_reuse ? "CacheAside, Task<T> method, ReuseImmutableResults = false"
            : _coalesce ? "CacheAside, Task<T> method" : "CacheAside, Task<T> method, CoalesceReadsAbove = 0";

        public override bool IsSynchronous => _sync;

        public override string Notes
        {
            get
            {
                var store = _container.Resolve<CacheAside.Interception.Internal.Engine.CacheEngine>().Store;
                return $"{store.Batches} batches of GETs, coalescing paused {store.CoalescingPauses} times";
            }
        }

        public override ValueTask ReadAsync(int id)
        {
            if (_sync)
            {
                _quotes.Get(id);
                return default;
            }

            return new ValueTask(_quotes.GetAsync(id));
        }

        public override void Dispose()
        {
            _container.Dispose();
            base.Dispose();
        }
    }

    /// <summary>FusionCache with its distributed level only (memory level skipped on reads and writes).</summary>
    private sealed class FusionCacheContender : Contender
    {
        private readonly FusionCache _cache;
        private readonly FusionCacheEntryOptions _options;

        public FusionCacheContender(IConnectionMultiplexer connection)
        {
            _cache = new FusionCache(new FusionCacheOptions { CacheName = "compare" });
            var redis = new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Task.FromResult(connection), InstanceName = "fusion:" });
            _cache.SetupDistributedCache(redis, new FusionCacheSystemTextJsonSerializer());
            _options = new FusionCacheEntryOptions { Duration = TimeSpan.FromHours(1), SkipMemoryCacheRead = true, SkipMemoryCacheWrite = true };
        }

        public override string Name => "FusionCache, Redis level only";

        public override async ValueTask ReadAsync(int id) =>
            await _cache.GetOrSetAsync<Quote>("q:" + id, _ => Task.FromResult(Quote.For(id)), _options);

        public override void Dispose()
        {
            _cache.Dispose();
            base.Dispose();
        }
    }

    /// <summary>Microsoft's HybridCache over Redis, its local level disabled.</summary>
    private sealed class HybridCacheContender : Contender
    {
        private static readonly HybridCacheEntryOptions s_options = new() { Expiration = TimeSpan.FromHours(1), Flags = HybridCacheEntryFlags.DisableLocalCache };
        private readonly ServiceProvider _services;
        private readonly HybridCache _cache;

        public HybridCacheContender(IConnectionMultiplexer connection)
        {
            var services = new ServiceCollection();
            services.AddStackExchangeRedisCache(o =>
            {
                o.ConnectionMultiplexerFactory = () => Task.FromResult(connection);
                o.InstanceName = "hybrid:";
            });
            services.AddHybridCache();
            _services = services.BuildServiceProvider();
            _cache = _services.GetRequiredService<HybridCache>();
            _ = _services.GetRequiredService<IDistributedCache>();
        }

        public override string Name => "HybridCache, Redis level only";

        public override async ValueTask ReadAsync(int id) =>
            await _cache.GetOrCreateAsync("q:" + id, id, static (state, _) => ValueTask.FromResult(Quote.For(state)), s_options);

        public override void Dispose()
        {
            _services.Dispose();
            base.Dispose();
        }
    }
}
