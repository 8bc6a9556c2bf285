using Autofac;
using Autofac.Extensions.DependencyInjection;
using CacheAside.Interception;
using CacheAside.Samples.ProductApi.Products;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateBuilder(args);

// Autofac is the service provider: CacheAside puts its proxies in front of Autofac registrations. Options come
// from the "CacheAside" section of appsettings.json (or environment variables such as CacheAside__RedisConfiguration).
builder.Host.UseServiceProviderFactory(new AutofacServiceProviderFactory());
builder.Host.ConfigureContainer<ContainerBuilder>(container =>
{
    container.RegisterCacheAside(builder.Configuration.GetSection("CacheAside"));
    container.RegisterType<InMemoryProductRepository>().As<IProductRepository>().SingleInstance().EnableCacheAside();
});

// Degraded, never Unhealthy, when Redis is down: the API still answers, from the repository.
builder.Services.AddHealthChecks().AddCacheAside();

// A span per cache call under the request's span, and the cache's metrics, printed to the console here.
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("product-api"))
    .WithTracing(tracing => tracing
        .AddSource("Microsoft.AspNetCore")
        .AddSource(CacheAsideDiagnostics.ActivitySourceName)
        .AddConsoleExporter())
    .WithMetrics(metrics => metrics
        .AddMeter(CacheAsideDiagnostics.MeterName)
        .AddConsoleExporter());

var app = builder.Build();

app.MapGet("/products/{id:int}", async (int id, IProductRepository products, CancellationToken cancellationToken) =>
    await products.GetByIdAsync(id, cancellationToken) is { } product ? Results.Ok(product) : Results.NotFound());

app.MapPut("/products/{id:int}", async (int id, ProductChange change, IProductRepository products, CancellationToken cancellationToken) =>
{
    var product = new Product(id, change.Name, change.Price);
    return await products.UpdateAsync(product, cancellationToken) ? Results.Ok(product) : Results.NotFound();
});

app.MapHealthChecks("/health");

app.Run();
