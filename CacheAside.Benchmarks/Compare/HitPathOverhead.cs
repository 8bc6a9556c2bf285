using System.Text.Json;
using Autofac;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Engine;
using CacheAside.Interception.Internal.Entries;
using CacheAside.Interception.Internal.Serialization;
using Castle.DynamicProxy;
using StackExchange.Redis;

namespace CacheAside.Benchmarks.Compare;

/// <summary>
/// The CPU and bytes of a hit without the network: Redis is an in-memory stand-in whose <c>GET</c> answers
/// with a completed task, so what is measured is the interception, the key, the breaker, the decode and the
/// telemetry — against the hand-written pattern on the same stand-in, and the pieces one by one.
/// </summary>
[MemoryDiagnoser]
public class HitPathOverhead
{
    private static readonly ProxyGenerator s_generator = new();
    private IContainer _container = null!;
    private IQuoteRepository _cached = null!;
    private IContainer _notReusing = null!;
    private IQuoteRepository _cachedNotReusing = null!;
    private IConnectionMultiplexer _fake = null!;
    private CacheEngine _engine = null!;
    private byte[] _entry = null!;
    private byte[] _json = null!;
    private EntryCodec<Quote> _codec = null!;
    private JsonBody<Quote> _body = null!;

    [GlobalSetup]
    public void Setup()
    {
        var stored = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        _fake = FakeRedis.Create(stored);
        var builder = new ContainerBuilder();
        builder.RegisterInstance(_fake).As<IConnectionMultiplexer>().ExternallyOwned();
        builder.RegisterCacheAside(o => o.KeyPrefix = "bench:");
        builder.RegisterType<QuoteSource>().As<IQuoteRepository>().SingleInstance().EnableCacheAside();
        _container = builder.Build();
        _cached = _container.Resolve<IQuoteRepository>();
        _engine = _container.Resolve<CacheEngine>();
        var other = new ContainerBuilder();
        other.RegisterInstance(_fake).As<IConnectionMultiplexer>().ExternallyOwned();
        other.RegisterCacheAside(o =>
        {
            o.KeyPrefix = "bench:";
            o.ReuseImmutableResults = false;
        });
        other.RegisterType<QuoteSource>().As<IQuoteRepository>().SingleInstance().EnableCacheAside();
        _notReusing = other.Build();
        _cachedNotReusing = _notReusing.Resolve<IQuoteRepository>();
        _codec = new EntryCodec<Quote>(CacheContract.Create(null), TypeShape.Fingerprint(typeof(Quote), CacheContract.Create(null)));
        _codec.TryEncode(Quote.For(1), new EntryStamp(1, 0, 0, long.MaxValue), 1 << 20, out var entry, out _, out _);
        _entry = entry!;
        stored[_engine.Keys.Build("q:1")] = _entry;
        _json = JsonSerializer.SerializeToUtf8Bytes(Quote.For(1));
        _body = new JsonBody<Quote>(CacheContract.Create(null));
        stored["hand:q:1"] = _json;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _container.Dispose();
        _notReusing.Dispose();
    }

    [Benchmark(Baseline = true, Description = "hand-written: StringGetAsync + Deserialize(string)")]
    public async Task<Quote> HandWritten()
    {
        var value = await _fake.GetDatabase().StringGetAsync("hand:q:1");
        return JsonSerializer.Deserialize<Quote>((string)value!)!;
    }

    [Benchmark(Description = "CacheAside Task<T> hit")]
    public Task<Quote> CacheAsideAsync() => _cached.GetAsync(1);

    [Benchmark(Description = "CacheAside Task<T> hit, ReuseImmutableResults = false")]
    public Task<Quote> CacheAsideAsyncNotReusing() => _cachedNotReusing.GetAsync(1);

    [Benchmark(Description = "CacheAside sync hit")]
    public Quote CacheAsideSync() => _cached.Get(1);

    [Benchmark(Description = "piece: key rendering")]
    public string Key() => _engine.Keys.Build("q:1");

    [Benchmark(Description = "piece: entry decode")]
    public Quote Decode()
    {
        _codec.Decode(_entry, long.MinValue, out var value, out _, out _);
        return value;
    }

    [Benchmark(Description = "piece: STJ default options, from bytes")]
    public Quote DefaultFromBytes() => JsonSerializer.Deserialize<Quote>(_json)!;

    [Benchmark(Description = "piece: the cache's contract, from bytes")]
    public Quote ContractFromBytes()
    {
        _body.TryRead(_json, out var value, out _);
        return value;
    }

    [Benchmark(Description = "piece: entry encode")]
    public byte[]? Encode()
    {
        _codec.TryEncode(Quote.For(1), new EntryStamp(1, 0, 0, long.MaxValue), 1 << 20, out var entry, out _, out _);
        return entry;
    }

    public static int Run(string[] args)
    {
        BenchmarkRunner.Run<HitPathOverhead>(DefaultConfig.Instance.AddJob(Job.ShortRun.WithId("short")), args);
        return 0;
    }

    /// <summary>A multiplexer whose databases answer <c>GET</c> from a dictionary, at once.</summary>
    private static class FakeRedis
    {
        public static IConnectionMultiplexer Create(Dictionary<string, byte[]> stored)
        {
            var database = s_generator.CreateInterfaceProxyWithoutTarget<IDatabase>(new DatabaseStandIn(stored));
            return s_generator.CreateInterfaceProxyWithoutTarget<IConnectionMultiplexer>(new MultiplexerStandIn(database));
        }

        private sealed class MultiplexerStandIn(IDatabase database) : IInterceptor
        {
            public void Intercept(IInvocation invocation)
            {
                invocation.ReturnValue = invocation.Method.Name switch
                {
                    nameof(IConnectionMultiplexer.GetDatabase) => database,
                    nameof(IConnectionMultiplexer.IsConnected) => true,
                    nameof(IConnectionMultiplexer.GetEndPoints) => Array.Empty<System.Net.EndPoint>(),
                    nameof(IConnectionMultiplexer.GetServers) => Array.Empty<IServer>(),
                    nameof(IConnectionMultiplexer.GetSubscriber) => null,
                    _ => invocation.Method.ReturnType.IsValueType && invocation.Method.ReturnType != typeof(void) ? Activator.CreateInstance(invocation.Method.ReturnType) : null,
                };
            }
        }

        private sealed class DatabaseStandIn(Dictionary<string, byte[]> stored) : IInterceptor
        {
            private static readonly Task<RedisValue> s_none = Task.FromResult(RedisValue.Null);

            public void Intercept(IInvocation invocation)
            {
                if (invocation.Method.Name == nameof(IDatabase.StringGetAsync) && invocation.Arguments[0] is RedisKey key)
                {
                    invocation.ReturnValue = stored.TryGetValue(key!, out var bytes) ? Task.FromResult((RedisValue)bytes) : s_none;
                    return;
                }

                if (invocation.Method.Name == nameof(IDatabase.StringGetLeaseAsync) && invocation.Arguments[0] is RedisKey leased)
                {
                    Lease<byte>? lease = null;
                    if (stored.TryGetValue(leased!, out var bytes))
                    {
                        lease = Lease<byte>.Create(bytes.Length, clear: false);
                        bytes.CopyTo(lease.Span);
                    }

                    invocation.ReturnValue = Task.FromResult(lease);
                    return;
                }

                if (invocation.Method.Name == nameof(IDatabase.Ping))
                {
                    invocation.ReturnValue = TimeSpan.Zero;
                    return;
                }

                invocation.ReturnValue = invocation.Method.ReturnType.IsValueType && invocation.Method.ReturnType != typeof(void) ? Activator.CreateInstance(invocation.Method.ReturnType) : null;
            }
        }
    }
}
