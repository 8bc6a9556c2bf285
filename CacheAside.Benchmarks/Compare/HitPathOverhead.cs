using System.Diagnostics;
using System.Globalization;
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

    /// <summary>The id every contender reads: a field, so the hand-written key is rendered per call, as CacheAside's is.</summary>
    private readonly int _id = 1;
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
        _codec.TryEncode(Quote.For(1), FreshStamp(), 1 << 20, out var entry, out _, out _);
        _entry = entry!;
        stored[_engine.Keys.Build("q:1")] = _entry;
        _json = JsonSerializer.SerializeToUtf8Bytes(Quote.For(1));
        _body = new JsonBody<Quote>(CacheContract.Create(null));
        stored["hand:q:1"] = _json;
    }

    /// <summary>
    /// The stamp of an entry loaded now, fresh for the method's hour: a reader judges an entry by its own TTL from
    /// its load, so an entry stamped as loaded at the epoch would be a miss to it, however long its header says.
    /// </summary>
    private static EntryStamp FreshStamp()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new EntryStamp(1, now, 0, now + 3_600_000);
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
        var value = await _fake.GetDatabase().StringGetAsync("hand:q:" + _id.ToString(CultureInfo.InvariantCulture));
        return JsonSerializer.Deserialize<Quote>((string)value!)!;
    }

    [Benchmark(Description = "CacheAside Task<T> hit")]
    public Task<Quote> CacheAsideAsync() => _cached.GetAsync(_id);

    [Benchmark(Description = "CacheAside Task<T> hit, ReuseImmutableResults = false")]
    public Task<Quote> CacheAsideAsyncNotReusing() => _cachedNotReusing.GetAsync(_id);

    [Benchmark(Description = "CacheAside sync hit")]
    public Quote CacheAsideSync() => _cached.Get(_id);

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
        _codec.TryEncode(Quote.For(1), FreshStamp(), 1 << 20, out var entry, out _, out _);
        return entry;
    }

    /// <summary>
    /// The same hits one at a time with the CPU's caches cold, as they are between two round trips to Redis:
    /// before each call, <c>--junk</c> MB (16 unless told) are written through, line by line, evicting the data
    /// and code the last call used. The contenders take turns call by call; printed are the median and p90 of
    /// each, in nanoseconds (to the 100 ns a <see cref="TimeSpan"/> holds), and how long each took to send its
    /// <c>GET</c>: on a real round trip, work before the send adds to the latency, work after it overlaps it.
    /// What BenchmarkDotNet's loop cannot show: the cost of a hit's code and data when they must come from memory.
    /// </summary>
    public static int RunCold(string[] args)
    {
        var megabytes = Stats.Option(args, "--junk", 16);
        var calls = Stats.Option(args, "--calls", 4000);
        var bench = new HitPathOverhead();
        bench.Setup();
        try
        {
            var contenders = new (string Name, Func<object?> Call)[]
            {
                ("hand-written: StringGetAsync + Deserialize(string)", () => bench.HandWritten().Result),
                ("CacheAside Task<T> hit", () => bench.CacheAsideAsync().Result),
                ("CacheAside Task<T> hit, ReuseImmutableResults = false", () => bench.CacheAsideAsyncNotReusing().Result),
                ("CacheAside sync hit", () => bench.CacheAsideSync()),
            };
            var junk = new byte[megabytes << 20];
            var times = contenders.Select(_ => new List<double>(calls)).ToArray();
            var untilSent = contenders.Select(_ => new List<double>(calls)).ToArray();

            // Warm: every path compiled at its final tier before anything is timed.
            for (var i = 0; i < 50_000; i++)
            {
                foreach (var (_, call) in contenders)
                {
                    call();
                }
            }

            var checksum = 0;
            for (var i = 0; i < calls; i++)
            {
                for (var c = 0; c < contenders.Length; c++)
                {
                    for (var at = 0; at < junk.Length; at += 64)
                    {
                        checksum += junk[at]++;
                    }

                    var started = Stopwatch.GetTimestamp();
                    contenders[c].Call();
                    times[c].Add(Stopwatch.GetElapsedTime(started).TotalNanoseconds);
                    untilSent[c].Add(Stopwatch.GetElapsedTime(started, FakeRedis.LastCommandAt).TotalNanoseconds);
                }
            }

            Console.WriteLine($"Cold hits, in process (Redis an in-memory stand-in), {megabytes} MB written through before each call, {calls} calls each (checksum {checksum & 1}):");
            for (var c = 0; c < contenders.Length; c++)
            {
                var sorted = times[c].Order().ToList();
                Console.WriteLine($"  {contenders[c].Name}: median {Stats.Percentile(sorted, 0.5):0} ns, p90 {Stats.Percentile(sorted, 0.9):0} ns; until the GET was sent, median {Stats.Median(untilSent[c]):0} ns");
            }
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }

    public static int Run(string[] args)
    {
        BenchmarkRunner.Run<HitPathOverhead>(DefaultConfig.Instance.AddJob(Job.ShortRun.WithId("short")), args);
        return 0;
    }

    /// <summary>A multiplexer whose databases answer <c>GET</c> from a dictionary, at once.</summary>
    private static class FakeRedis
    {
        /// <summary>Gets when the stand-in last took a command (a <see cref="Stopwatch"/> timestamp): how long a hit took to send its GET.</summary>
        public static long LastCommandAt { get; private set; }

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
                LastCommandAt = Stopwatch.GetTimestamp();
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
