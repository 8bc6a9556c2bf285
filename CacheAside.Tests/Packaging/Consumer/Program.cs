using Autofac;
using Autofac.Extensions.DependencyInjection;
using CacheAside.Interception;
using Consumer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

// The generic host with Autofac; the Redis address comes from the environment (CacheAside__RedisConfiguration).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton<ICacheAsideObserver, PrintingObserver>();
builder.Services.AddHealthChecks().AddCacheAside();
builder.ConfigureContainer(new AutofacServiceProviderFactory(), container =>
{
    container.RegisterCacheAside(builder.Configuration.GetSection("CacheAside"));
    container.RegisterType<QuoteService>().As<IQuoteService>().SingleInstance().EnableCacheAside();
});

using var host = builder.Build();
await host.StartAsync();

var quotes = host.Services.GetRequiredService<IQuoteService>();
var first = await quotes.GetQuoteAsync("ACME");
var second = await quotes.GetQuoteAsync("ACME");
Console.WriteLine($"same quote: {first == second}");

var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
Console.WriteLine($"health: {health.Status}");

await host.StopAsync();
