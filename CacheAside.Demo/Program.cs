using System.Diagnostics;
using Autofac;
using CacheAside.Demo;
using CacheAside.Interception;

var redis = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("CACHEASIDE_REDIS") ?? "localhost:6379";

var builder = new ContainerBuilder();
builder.RegisterCacheAside(o => o.RedisConfiguration = redis);
builder.RegisterType<SlowProductRepository>().As<IProductRepository>().SingleInstance().EnableCacheAside();
using var container = builder.Build();

var products = container.Resolve<IProductRepository>();
for (var call = 1; call <= 2; call++)
{
    var started = Stopwatch.GetTimestamp();
    var product = await products.GetByIdAsync(42);
    Console.WriteLine($"call {call}: {product} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0} ms");
}
